import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/test-database.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { connectClient } from '../helpers/ws-client.js';

describe('the dead-man switch across processes', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('fires after the gateway that armed it was killed with SIGKILL, cancelling the orders it was guarding', async () => {
    const database = await createTestDatabase(inject('databaseUrl'));
    cleanups.push(() => database.drop());
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `dms-${randomBytes(4).toString('hex')}`,
      PORT: '0',
      AUTH: 'off',
      MOCK_QUOTE_LATENCY_MS: '8000', // the orders stay cancellable long enough
    };
    const chain = await spawnEngine({ ...env, ROLE: 'chain' });
    cleanups.push(() => chain.stop('SIGKILL'));
    const worker = await spawnEngine({ ...env, ROLE: 'worker' });
    cleanups.push(() => worker.stop('SIGKILL'));
    const gateway = await spawnEngine({ ...env, ROLE: 'gateway' });
    cleanups.push(() => gateway.stop('SIGKILL'));

    const client = await connectClient(`ws://127.0.0.1:${gateway.port}/ws`);
    for (let i = 0; i < 2; i++) client.send({ op: 'submit', reqId: `o${i}`, type: 'market', side: 'sell', pair: 'SOL/USDC', amount: '1' });
    const acks = await Promise.all([0, 1].map((i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `o${i}`)));
    client.send({ op: 'cancelAllAfter', reqId: 'arm', timeoutMs: 1_500 });
    await client.waitFor((m) => m.reqId === 'arm');
    expect(await gateway.stop('SIGKILL')).toBe(null); // the switch's keeper is gone, with no goodbye

    const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
    cleanups.push(() => sql.end());
    const ids = acks.map((ack) => ack.orderId as string);
    const deadline = Date.now() + 6_000;
    let rows: Array<{ status: string }> = [];
    while (Date.now() < deadline) {
      rows = await sql<Array<{ status: string }>>`select status from orders where id = any(${ids}::uuid[])`;
      if (rows.every((row) => row.status === 'cancelled')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(rows.map((row) => row.status)).toEqual(['cancelled', 'cancelled']);
    expect(await sql`select * from cancel_all_after`).toHaveLength(0);
    expect(worker.output).toContain('dead-man switch fired');
  });
});
