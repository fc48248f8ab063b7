import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDexClient, type OrderUpdate } from '../../web/dex-client.js';
import { checkServerMessage } from '../helpers/protocol-contract.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { spawnEngine } from '../helpers/spawn-engine.js';

describe('the client module when its gateway process is killed mid-order', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('reconnects to another gateway by itself and resumes the order: every update once, in seq order, to the end', async () => {
    const database = await createTestDatabase(inject('databaseUrl'));
    cleanups.push(() => database.drop());
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `client-resume-${randomBytes(4).toString('hex')}`,
      PORT: '0',
      AUTH: 'off', // this test is about delivery across gateways; auth has its own tests
      MOCK_QUOTE_LATENCY_MS: '300',
      MOCK_EXEC_LATENCY_MS: '2500',
    };
    const chain = await spawnEngine({ ...env, ROLE: 'chain' });
    cleanups.push(() => chain.stop('SIGKILL'));
    const worker = await spawnEngine({ ...env, ROLE: 'worker' });
    cleanups.push(() => worker.stop('SIGKILL'));
    const first = await spawnEngine({ ...env, ROLE: 'gateway' });
    cleanups.push(() => first.stop('SIGKILL'));

    // Where the client connects: the gateway that is up (as a balancer in front of them would choose).
    let port = first.port;
    const states: string[] = [];
    const client = createDexClient({
      url: () => `ws://127.0.0.1:${port}/ws`,
      WebSocket,
      backoff: { minMs: 100, maxMs: 500 },
      on: { state: (state) => states.push(state.name), message: checkServerMessage, update: checkServerMessage },
    });
    try {
      const handle = await client.submit({ type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '2', slippageBps: 300 });
      const updates: OrderUpdate[] = [];
      const all = (async () => {
        for await (const update of handle.updates()) updates.push(update);
      })();
      await expect.poll(() => updates.some((update) => update.status === 'routing'), { timeout: 10_000 }).toBe(true);
      expect(await first.stop('SIGKILL')).toBe(null); // killed, no goodbye
      const second = await spawnEngine({ ...env, ROLE: 'gateway' });
      cleanups.push(() => second.stop('SIGKILL'));
      port = second.port;
      await all;
      expect(updates.map((update) => update.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(updates.map((update) => update.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
      expect(states).toContain('offline');
    } finally {
      client.close();
    }
  });
});
