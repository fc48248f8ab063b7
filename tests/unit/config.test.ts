import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      redisUrl: undefined,
      role: 'all',
      workerConcurrency: 10000,
      queueShards: 1,
      redisClusterNodes: undefined,
      workerThreads: 1,
      workerBatchLingerMs: 3,
      admissionMaxWaitMs: 1000,
      workerThreadNice: 2,
      logLevel: 'info',
      dataDir: './.data',
      mockQuoteLatencyMs: { min: 150, max: 250 },
      mockExecLatencyMs: { min: 2000, max: 3000 },
      mockFailureRate: 0,
      mockSeed: 'dex-order-engine',
      chainSlotMs: 400,
      mockChainRetentionHours: 168,
      history: { retentionDays: 90, afterRetention: 'drop' },
      chainRandomLaunchEveryMs: 0,
      shutdownTimeoutMs: 10000,
      redisPrefix: 'dex',
      wsIdleTimeoutSeconds: 60,
      wsMaxBufferedBytes: 8388608,
      auth: true,
      maxConnections: 20000,
      maxConnectionsPerKey: 100,
      maxOpenOrdersPerAccount: 1000,
      maxRestingOrdersPerAccount: 10000,
      rateLimits: { messagesPerConnection: 100, messagesPerAccount: 1000, submitsPerConnection: 50, submitsPerAccount: 200 },
    });
  });

  it('parses every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db:5432/dex',
      REDIS_URL: 'redis://cache:6379',
      ROLE: 'worker',
      WORKER_CONCURRENCY: '250',
      WORKER_THREADS: '0',
      LOG_LEVEL: 'debug',
      DATA_DIR: '/var/lib/dex',
      MOCK_QUOTE_LATENCY_MS: '150-250',
      MOCK_EXEC_LATENCY_MS: '0',
      MOCK_FAILURE_RATE: '0.1',
      MOCK_CHAIN_RETENTION_HOURS: '1',
      CHAIN_RANDOM_LAUNCH_EVERY_MS: '60000',
    });
    expect(config).toMatchObject({
      port: 8080,
      role: 'worker',
      workerConcurrency: 250,
      workerThreads: 0,
      databaseUrl: 'postgres://u:p@db:5432/dex',
      mockQuoteLatencyMs: { min: 150, max: 250 },
      mockExecLatencyMs: { min: 0, max: 0 },
      mockFailureRate: 0.1,
      mockChainRetentionHours: 1,
      chainRandomLaunchEveryMs: 60_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: ' ' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ROLE', 'both'],
    ['WORKER_CONCURRENCY', '0'],
    ['WORKER_CONCURRENCY', '50001'],
    ['WORKER_THREADS', '17'],
    ['WORKER_THREAD_NICE', '-5'],
    ['LOG_LEVEL', 'loud'],
    ['MOCK_EXEC_LATENCY_MS', '3000-2000'],
    ['MOCK_EXEC_LATENCY_MS', 'slow'],
    ['MOCK_FAILURE_RATE', '1.5'],
    ['MOCK_CHAIN_RETENTION_HOURS', '0'],
    ['CHAIN_RANDOM_LAUNCH_EVERY_MS', '500'],
    ['CHAIN_RANDOM_LAUNCH_EVERY_MS', 'often'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'not a url'],
  ])('stops with a message naming %s when it is %j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });
});
