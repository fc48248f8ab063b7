import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startEngine, type EngineOptions } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase } from './test-database.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts a real engine (uWS on a free loopback port, BullMQ, Redis, PostgreSQL) with its own
 * database and Redis namespace. `env` overrides configuration exactly as environment variables would.
 */
export async function startTestEngine(
  options: { env?: Record<string, string>; sendFailure?: EngineOptions['sendFailure']; redisUrl?: string } = {},
) {
  const database = await createTestDatabase(inject('databaseUrl'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    MOCK_QUOTE_LATENCY_MS: '20',
    MOCK_EXEC_LATENCY_MS: '50-100',
    ...options.env,
  });
  const log = createLogger(config.logLevel);
  const namespace = `test-${randomBytes(4).toString('hex')}`;
  const engine = await startEngine({
    config,
    log,
    databaseUrl: database.url,
    redisUrl: options.redisUrl ?? inject('redisUrl'),
    rootDir: ROOT,
    namespace,
    ...(options.sendFailure && { sendFailure: options.sendFailure }),
  });
  return {
    engine,
    namespace,
    databaseUrl: database.url,
    wsUrl: `ws://127.0.0.1:${engine.port}/ws`,
    httpUrl: `http://127.0.0.1:${engine.port}`,
    async close() {
      await engine.close(5_000);
      await database.drop();
    },
  };
}

export type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;
