import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { recordQueueShards } from '../../src/adapters/redis/queue-shards.js';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { redisKeys } from '../../src/roles/infrastructure.js';
import { ask, connectClient } from '../helpers/ws-client.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { ROOT, startTestEngine } from '../helpers/test-engine.js';

const market = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 300 } as const;

describe('queue shards (QUEUE_SHARDS)', () => {
  it('names each shard its own queue, and on a Redis Cluster its own hash tag; one shard is the queue as it always was', () => {
    expect(redisKeys('dex').queues).toEqual([{ prefix: 'dex:bull', name: 'orders' }]);
    expect(redisKeys('dex', { shards: 3 }).queues).toEqual([
      { prefix: 'dex:bull', name: 'orders' },
      { prefix: 'dex:bull', name: 'orders-1' },
      { prefix: 'dex:bull', name: 'orders-2' },
    ]);
    expect(redisKeys('dex', { shards: 3, cluster: true }).queues.map((shard) => shard.prefix)).toEqual(['{dex:bull}', '{dex:bull:1}', '{dex:bull:2}']);
  });

  it('spreads the orders over every shard, and every order is taken up and confirmed once', async () => {
    const app = await startTestEngine({ env: { QUEUE_SHARDS: '3' } });
    const redis = new Redis(app.redisUrl);
    try {
      const client = await connectClient(app.wsUrl);
      // Sent one at a time, so each is its own job and the jobs show how the orders spread.
      const acks = [];
      for (let i = 0; i < 30; i++) acks.push(await ask(client, market));
      for (const ack of acks) {
        const updates = await client.settle(ack.orderId as string);
        expect(updates.map((update) => update.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
      }
      const jobsPerShard = await Promise.all(redisKeys(app.namespace, { shards: 3 }).queues.map(async (shard) => Number(await redis.get(`${shard.prefix}:${shard.name}:id`))));
      for (const jobs of jobsPerShard) expect(jobs).toBeGreaterThan(0);
      expect(jobsPerShard.reduce((sum, jobs) => sum + jobs, 0)).toBe(30);
      // Submits that arrive together (one turn of the gateway's loop) are one job, on one shard.
      const together = await Promise.all(Array.from({ length: 12 }, () => ask(client, market)));
      for (const ack of together) await client.settle(ack.orderId as string);
      const jobsAfter = await Promise.all(redisKeys(app.namespace, { shards: 3 }).queues.map(async (shard) => Number(await redis.get(`${shard.prefix}:${shard.name}:id`))));
      expect(jobsAfter.reduce((sum, jobs) => sum + jobs, 0) - 30).toBeLessThan(12);
      // Admission control's counters, per shard: each order counted into its shard's backlog when
      // queued and out of it when taken up (reported every 100 ms); every shard had orders.
      const shards = redisKeys(app.namespace, { shards: 3 }).queues;
      const counter = async (shard: (typeof shards)[number], name: string) => Number(await redis.get(`${shard.prefix}:${shard.name}:${name}`));
      const takenUp = () => Promise.all(shards.map((shard) => counter(shard, 'taken-up')));
      await expect.poll(async () => (await takenUp()).reduce((sum, n) => sum + n, 0), { timeout: 2_000 }).toBe(42);
      for (const n of await takenUp()) expect(n).toBeGreaterThan(0);
      for (const shard of shards) expect(await counter(shard, 'backlog')).toBe(0);
      await client.close();
    } finally {
      redis.disconnect();
      await app.close();
    }
  });
});

describe('the deployment-wide QUEUE_SHARDS record', () => {
  it('takes the first count and a higher one, and refuses a lower one with the count recorded', async () => {
    const redis = new Redis(inject('redisUrl'));
    const key = `queue-shards-test-${Date.now()}`;
    try {
      expect(await recordQueueShards(redis, key, 3)).toBeNull();
      expect(await recordQueueShards(redis, key, 3)).toBeNull();
      expect(await recordQueueShards(redis, key, 1)).toBe(3);
      expect(await recordQueueShards(redis, key, 4)).toBeNull();
      expect(await redis.get(key)).toBe('4');
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });
});

describe('a process with fewer QUEUE_SHARDS than its deployment', () => {
  it('refuses to start, naming both counts and the key, and leaves the record as it was', async () => {
    const namespace = `shards-refusal-${randomBytes(4).toString('hex')}`;
    const redis = new Redis(inject('redisUrl'));
    const database = await createTestDatabase(inject('databaseUrl'));
    try {
      await redis.set(`${namespace}:queue-shards`, '3'); // as a deployment of three shards recorded it
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', QUEUE_SHARDS: '1', LOG_LEVEL: 'fatal' });
      const starting = startApp({ config, log: createLogger('fatal'), databaseUrl: database.url, redisUrl: inject('redisUrl'), rootDir: ROOT, namespace });
      await expect(starting).rejects.toThrow(/QUEUE_SHARDS is 1 here, but this deployment's queue has 3 shards \(Redis key shards-refusal-\w+:queue-shards\)/);
      expect(await redis.get(`${namespace}:queue-shards`)).toBe('3');
    } finally {
      await redis.del(`${namespace}:queue-shards`);
      redis.disconnect();
      await database.drop();
    }
  });
});

