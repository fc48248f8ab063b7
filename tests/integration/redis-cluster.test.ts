import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { redisKeys } from '../../src/roles/infrastructure.js';
import { ask, connectClient } from '../helpers/ws-client.js';
import { startRedisCluster, type RedisClusterFixture } from '../helpers/redis-cluster.js';
import { ROOT, startTestEngine } from '../helpers/test-engine.js';

const execute = promisify(execFile);

const market = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 300 } as const;

describe('on a Redis Cluster of three masters', () => {
  let cluster: RedisClusterFixture;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('reads REDIS_CLUSTER_NODES as the seed nodes, and refuses a malformed list', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' }).redisClusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:99999' })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('runs the order lifecycle: market orders to confirmed, a limit resting and cancelled, the queue, stream and chain on their own hash tags', async () => {
    const app = await startTestEngine({ redisUrl: cluster.target });
    try {
      const client = await connectClient(app.wsUrl);
      const acks = await Promise.all(Array.from({ length: 20 }, () => ask(client, market)));
      for (const ack of acks) expect(ack.type).toBe('ack');
      for (const ack of acks) expect((await client.settle(ack.orderId as string)).at(-1)!.status).toBe('confirmed');
      const resting = await ask(client, { op: 'submit', type: 'limit', side: 'buy', pair: 'SOL/USDC', amount: '1', limitPrice: '1', timeInForce: 'GTC' });
      await client.waitFor((m) => m.orderId === resting.orderId && m.status === 'open');
      expect(await ask(client, { op: 'cancel', orderId: resting.orderId })).toMatchObject({ type: 'cancelled' });
      const quote = await ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '2' });
      expect(quote.type).toBe('quote');
      // Each group of keys used together sits in one slot: BullMQ's under its prefix's tag, the chain's under its own.
      const queueNode = await cluster.portOf(`{${app.namespace}:bull}:orders:wait`);
      expect(await cluster.portOf(`{${app.namespace}:bull}:orders:meta`)).toBe(queueNode);
      expect(await cluster.portOf(`{${app.namespace}:chain}:pending`)).toBe(await cluster.portOf(`{${app.namespace}:chain}:slots`));
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('loses no acked order when a master is killed with SIGKILL and restarted, whichever keys it held', async () => {
    // The outage is logged loudly on purpose in production; here it would only bury the test's output.
    const app = await startTestEngine({ redisUrl: cluster.target, env: { MOCK_EXEC_LATENCY_MS: '200-400', LOG_LEVEL: 'fatal' } });
    try {
      const client = await connectClient(app.wsUrl);
      const before = await Promise.all(Array.from({ length: 10 }, () => ask(client, market)));
      // The master of the queue's slot: the one whose loss hurts most.
      const victim = await cluster.portOf(`{${app.namespace}:bull}:orders:wait`);
      const killing = cluster.killAndRestart(victim, 1_500);
      const during = await Promise.all(Array.from({ length: 10 }, () => ask(client, market)));
      await killing;
      const after = await Promise.all(Array.from({ length: 10 }, () => ask(client, market)));
      const acked = [...before, ...during, ...after].filter((reply) => reply.type === 'ack');
      // Refusals while the slot was down are answers too (retryable); every acked order ends, confirmed.
      for (const reply of [...during].filter((r) => r.type === 'error')) expect(reply.retryable).toBe(true);
      expect(acked.length).toBeGreaterThanOrEqual(20);
      for (const ack of acked) expect((await client.settle(ack.orderId as string, 60_000)).at(-1)!.status).toBe('confirmed');
      await client.close();
    } finally {
      await app.close();
    }
  }, 120_000);

  it('takes a load-script run: every order answered and ended, none lost, duplicated or out of order', async () => {
    const app = await startTestEngine({ redisUrl: cluster.target });
    const json = join(tmpdir(), `dex-cluster-load-${process.pid}.json`);
    try {
      const args = ['run', '--silent', 'load', '--', '--url', app.wsUrl, '--orders', '400', '--rate', '400', '--connections', '8', '--quiet', '--json', json];
      await execute('npm', args, { cwd: ROOT, timeout: 90_000 });
      const figures = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown>;
      expect(figures).toMatchObject({ sent: 400, acked: 400, confirmed: 400, lost: 0, unanswered: 0, duplicates: 0, outOfOrder: 0, gaps: 0 });
    } finally {
      await rm(json, { force: true });
      await app.close();
    }
  }, 120_000);

  it("takes the operator's launch command (npm run chain) on the cluster: the pair opens at the next slot", async () => {
    const app = await startTestEngine({ redisUrl: cluster.target });
    try {
      const env = { ...process.env, REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodesEnv, REDIS_PREFIX: app.namespace };
      const { stdout } = await execute(process.execPath, ['--import', 'tsx', 'scripts/chain.ts', 'launch', 'CLU/USDC', '--price', '0.5', '--liquidity', '10000'], { cwd: ROOT, env });
      expect(JSON.parse(stdout)).toMatchObject({ scheduled: { symbol: 'CLU/USDC' } });
      const client = await connectClient(app.wsUrl);
      await expect
        .poll(async () => ((await ask(client, { op: 'pairs' })).pairs as Array<{ symbol: string }>).some((pair) => pair.symbol === 'CLU/USDC'), { timeout: 10_000, interval: 200 })
        .toBe(true);
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('spreads QUEUE_SHARDS queues over the masters, each under its own hash tag, and runs every order to its end', async () => {
    // Eight shards: the chance that all eight tags hash to one master of three is 1 in 2,187.
    const app = await startTestEngine({ redisUrl: cluster.target, env: { QUEUE_SHARDS: '8' } });
    try {
      const shards = redisKeys(app.namespace, { cluster: true, shards: 8 }).queues;
      const nodes = new Set(await Promise.all(shards.map((shard) => cluster.portOf(`${shard.prefix}:${shard.name}:wait`))));
      expect(nodes.size).toBeGreaterThanOrEqual(2);
      const client = await connectClient(app.wsUrl);
      const acks = await Promise.all(Array.from({ length: 30 }, () => ask(client, market)));
      for (const ack of acks) expect((await client.settle(ack.orderId as string)).at(-1)!.status).toBe('confirmed');
      await client.close();
    } finally {
      await app.close();
    }
  });
});
