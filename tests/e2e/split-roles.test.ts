import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/test-database.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { connectClient } from '../helpers/ws-client.js';

type Engine = Awaited<ReturnType<typeof spawnEngine>>;

describe('gateway, worker and chain as separate processes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let gateway: Engine;
  let worker: Engine;
  let chain: Engine;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseUrl'));
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
      PORT: '0',
      AUTH: 'off', // this test is about roles and delivery; auth has its own tests
      MOCK_QUOTE_LATENCY_MS: '20',
      MOCK_EXEC_LATENCY_MS: '800',
    };
    // Started together: all three run the migrations, which must apply once.
    [gateway, worker, chain] = await Promise.all([
      spawnEngine({ ...env, ROLE: 'gateway' }),
      spawnEngine({ ...env, ROLE: 'worker' }),
      spawnEngine({ ...env, ROLE: 'chain' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gateway?.stop('SIGKILL'), worker?.stop('SIGKILL'), chain?.stop('SIGKILL')]);
    await database?.drop();
  });

  it('applies each migration once when two processes start at the same moment', () => {
    const applied = (gateway.output + worker.output + chain.output).match(/"migration":"0001_orders.sql"/g) ?? [];
    expect(applied).toHaveLength(1);
  });

  it('routes an order from the gateway process through Redis to the worker process and streams every event back', async () => {
    const client = await connectClient(`ws://127.0.0.1:${gateway.port}/ws`);
    client.send({ op: 'submit', reqId: 'split', type: 'market', side: 'sell', pair: 'SOL/USDC', amount: '4', slippageBps: 300 });
    const ack = await client.waitFor((m) => m.type === 'ack');
    const updates = await client.settle(ack.orderId as string);
    expect(updates.map((u) => u.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    expect(worker.output).toContain(ack.orderId as string);
    expect(gateway.output).not.toContain('"msg":"routed"');
    expect(chain.output).not.toContain(ack.orderId as string); // the chain lands transactions; it knows no orders
    await client.close();
  });

  it('serves /health on the worker and the chain too', async () => {
    expect((await fetch(`http://127.0.0.1:${worker.port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${chain.port}/health`)).status).toBe(200);
  });

  it('on SIGTERM lets the running order finish, closes sockets with 1001, and exits 0', async () => {
    const client = await connectClient(`ws://127.0.0.1:${gateway.port}/ws`);
    client.send({ op: 'submit', reqId: 'drain', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 300 });
    const ack = await client.waitFor((m) => m.type === 'ack');
    await client.waitFor((m) => m.orderId === ack.orderId && m.status === 'submitted');
    const workerExit = worker.stop('SIGTERM'); // mid-execution: the worker drains before it exits
    const updates = await client.settle(ack.orderId as string);
    expect(updates.at(-1)!.status).toBe('confirmed');
    expect(await workerExit).toBe(0);
    const gatewayExit = gateway.stop('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await gatewayExit).toBe(0);
  });
});
