import { Redis } from 'ioredis';
import { chainKeys } from '../../src/adapters/redis/chain-keys.js';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { SendFailure } from '../../src/chain/types.js';
import { openEngine, type EngineFixture, type EngineFixtureOptions } from '../helpers/engine-fixture.js';

const order = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 100 } as const;

describe('execution failures', () => {
  let fixture: EngineFixture | undefined;

  async function start(options: EngineFixtureOptions) {
    fixture = await openEngine(options);
    return fixture;
  }

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  async function chainRecords(namespace: string): Promise<string[]> {
    const redis = new Redis(inject('redisUrl'));
    try {
      return await redis.keys(chainKeys(namespace).tx('*'));
    } finally {
      redis.disconnect();
    }
  }

  it('retries a transient send failure with backoff and then confirms, sending one transaction', async () => {
    const failures: number[] = [];
    const { app, sql, client } = await start({
      sendFailure: (_tx, attempt): SendFailure => (attempt === 1 ? (failures.push(attempt), 'refused') : null),
    });
    client.send({ ...order, reqId: 'retry' });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'retry');
    const updates = await client.settle(ack.orderId as string);
    expect(failures).toEqual([1]);
    expect(updates.map((u) => u.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    const [row] = await sql`select status, attempts, tx_hash from orders where id = ${ack.orderId as string}`;
    expect(row).toMatchObject({ status: 'confirmed', attempts: 2, tx_hash: updates.at(-1)!.txHash });
    expect(await chainRecords(app.namespace)).toEqual([chainKeys(app.namespace).tx(row!.tx_hash)]);
  });

  it('retries only the order that failed when orders share a job: the others run once and keep one attempt', async () => {
    let unlucky: string | undefined;
    const { app, sql, client } = await start({
      sendFailure: (tx, attempt): SendFailure => {
        unlucky ??= tx.orderId;
        return tx.orderId === unlucky && attempt === 1 ? 'refused' : null;
      },
    });
    // Sent in one go, they are stored in one batch and queued in one job.
    for (let i = 0; i < 6; i++) client.send({ ...order, reqId: `shared-${i}` });
    const acks = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `shared-${i}`)));
    const ids = acks.map((ack) => ack.orderId as string);
    for (const id of ids) expect((await client.settle(id)).at(-1)!.status).toBe('confirmed');
    const redis = new Redis(inject('redisUrl'));
    const jobs = Number(await redis.get(`${app.namespace}:bull:orders:id`));
    redis.disconnect();
    expect(jobs).toBeLessThan(6);
    const rows = await sql<{ id: string; attempts: number }[]>`select id, attempts from orders where id = any(${ids}::uuid[])`;
    expect(Object.fromEntries(rows.map((row) => [row.id, row.attempts]))).toEqual(Object.fromEntries(ids.map((id) => [id, id === unlucky ? 2 : 1])));
    expect(await chainRecords(app.namespace)).toHaveLength(6);
  });

  it('does not send again when a timed-out send in fact reached the chain: the retry finds it and confirms it once', async () => {
    const { app, sql, client } = await start({
      sendFailure: (_tx, attempt): SendFailure => (attempt === 1 ? 'timeout' : null),
    });
    client.send({ ...order, reqId: 'ambiguous' });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'ambiguous');
    const updates = await client.settle(ack.orderId as string);
    expect(updates.at(-1)!.status).toBe('confirmed');
    const [row] = await sql`select attempts, tx_hash from orders where id = ${ack.orderId as string}`;
    expect(row!.attempts).toBe(2);
    expect(await chainRecords(app.namespace)).toEqual([chainKeys(app.namespace).tx(row!.tx_hash)]);
  });

  it('gives up after three attempts and persists the reason', async () => {
    const attempts: number[] = [];
    const { sql, client } = await start({ sendFailure: (_tx, attempt): SendFailure => (attempts.push(attempt), 'refused') });
    client.send({ ...order, reqId: 'doomed' });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'doomed');
    const updates = await client.settle(ack.orderId as string, 15_000);
    expect(attempts).toEqual([1, 2, 3]);
    const failed = updates.at(-1)!;
    expect(updates.map((u) => u.status)).toEqual(['pending', 'routing', 'building', 'failed']);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'EXECUTION_FAILED' } });
    const [row] = await sql`select status, attempts, failure_code, failure_reason from orders where id = ${ack.orderId as string}`;
    expect(row).toMatchObject({ status: 'failed', attempts: 3, failure_code: 'EXECUTION_FAILED' });
    expect(row!.failure_reason).toMatch(/refused/);
  });

  it('fails with SLIPPAGE_EXCEEDED, without retrying, when a whale moves the pool between quote and landing', async () => {
    const { app, sql, client } = await start({ env: { MOCK_EXEC_LATENCY_MS: '600' } });
    client.send({ ...order, reqId: 'slip', slippageBps: 10 });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'slip');
    const submitted = await client.waitFor((m) => m.orderId === ack.orderId && m.status === 'submitted');
    // Another trader's 5,000 SOL buy lands first on the same pool.
    const whale = app.engine.market!.fill(submitted.dex as 'raydium' | 'meteora', 'SOL/USDC', 'buy', 5_000, { side: 'buy', maxAmountIn: Number.MAX_VALUE }, Date.now());
    expect(whale?.ok).toBe(true);
    const updates = await client.settle(ack.orderId as string);
    const failed = updates.at(-1)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'SLIPPAGE_EXCEEDED' }, txHash: submitted.txHash });
    expect((failed.error as { message: string }).message).toMatch(/above the limit/);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // longer than the first retry backoff
    expect(client.updatesOf(ack.orderId as string)).toHaveLength(updates.length);
    const [row] = await sql`select status, attempts, failure_code from orders where id = ${ack.orderId as string}`;
    expect(row).toMatchObject({ status: 'failed', attempts: 1, failure_code: 'SLIPPAGE_EXCEEDED' });
  });
});
