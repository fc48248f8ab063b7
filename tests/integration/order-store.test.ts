import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createOrderStore } from '../../src/adapters/postgres/order-store.js';
import { OPEN_ACCESS_ACCOUNT } from '../../src/accounts/ports.js';
import type { OrderStore } from '../../src/orders/ports.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { ROOT } from '../helpers/test-engine.js';
import { NO_RESTING_TERMS } from '../../src/orders/order.js';

const log = pino({ level: 'silent' });
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

describe('the PostgreSQL order store', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: postgres.Sql;
  let store: OrderStore;

  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseUrl'));
    sql = postgres(database.url, { max: 4, onnotice: () => undefined });
    await migrate(sql, `${ROOT}/sql`, log);
    store = createOrderStore(sql);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  async function created() {
    const id = newId();
    await store.create(
      { id, accountId: OPEN_ACCESS_ACCOUNT, clientOrderId: `c-${id}`, type: 'market', side: 'sell', pair: 'SOL/USDC', amount: '1.000000001', slippageBps: 75, deadlineMs: null, ...NO_RESTING_TERMS },
      { type: 'ack', orderId: id, status: 'pending', seq: 1, ts: 1 },
    );
    return id;
  }

  it('tells which orders have ended, of every terminal status, and keeps the legs of a split route', async () => {
    const [live, confirmed, failed, cancelled] = [await created(), await created(), await created(), await created()];
    await store.transition(confirmed, 'pending', {}, { type: 'order', orderId: confirmed, status: 'routing', ts: 2 });
    const legs = [{ dex: 'raydium' as const, amount: 0.6 }, { dex: 'meteora' as const, amount: 0.400000001 }];
    const routed = await store.transition(confirmed, 'routing', { dex: 'split', legs, limitAmount: '150' }, {
      type: 'order', orderId: confirmed, status: 'building', dex: 'split', side: 'sell', route: [], quotes: [], limit: { minAmountOut: '150' }, reason: 'split', ts: 3,
    });
    expect(routed?.order).toMatchObject({ dex: 'split', legs });
    await store.transition(confirmed, 'building', {}, { type: 'order', orderId: confirmed, status: 'submitted', dex: 'split', txHash: `tx-${confirmed}`, ts: 4 });
    await store.transition(confirmed, 'submitted', { executedPrice: '150', amountOut: '150' }, {
      type: 'order', orderId: confirmed, status: 'confirmed', dex: 'split', txHash: `tx-${confirmed}`, executedPrice: '150', amountIn: '1', amountOut: '150', fee: '0.1', ts: 5,
    });
    await store.transition(failed, 'pending', { failureCode: 'QUEUE_UNAVAILABLE' }, { type: 'order', orderId: failed, status: 'failed', error: { code: 'QUEUE_UNAVAILABLE', message: 'x' }, attempts: 0, ts: 2 });
    await store.cancel(cancelled, { type: 'order', orderId: cancelled, status: 'cancelled', reason: 'test', ts: 2 });
    expect((await store.finishedAmong([live, confirmed, failed, cancelled])).sort()).toEqual([confirmed, failed, cancelled].sort());
    expect(await store.finishedAmong([])).toEqual([]);
  });

  it('is idempotent to migrate: a second run applies nothing', async () => {
    expect(await migrate(sql, `${ROOT}/sql`, log)).toEqual([]);
    const rows = await sql`select version, name from schema_migrations`;
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(rows[0]).toEqual({ version: 1, name: '0001_orders.sql' });
  });

  it('creates the order with its ack as event 1 and keeps the amount exact', async () => {
    const id = await created();
    const order = await store.get(id);
    expect(order).toMatchObject({ status: 'pending', amount: '1.000000001', slippageBps: 75, lastSeq: 1, clientOrderId: `c-${id}` });
    expect(await store.eventsAfter(id, 0)).toEqual([{ type: 'ack', orderId: id, status: 'pending', seq: 1, ts: 1 }]);
  });

  it('changes status only from the expected one and writes the event with the next seq in the same statement', async () => {
    const id = await created();
    const moved = await store.transition(id, 'pending', {}, { type: 'order', orderId: id, status: 'routing', ts: 2 });
    expect(moved?.event).toEqual({ type: 'order', orderId: id, seq: 2, status: 'routing', ts: 2 });
    expect(moved?.order.status).toBe('routing');
    const stale = await store.transition(id, 'pending', {}, { type: 'order', orderId: id, status: 'routing', ts: 3 });
    expect(stale).toBeNull();
    const [{ count } = { count: '' }] = await sql<{ count: string }[]>`select count(*) from order_events where order_id = ${id}`;
    expect(count).toBe('2');
    expect(await store.eventsAfter(id, 1)).toEqual([{ type: 'order', orderId: id, seq: 2, status: 'routing', ts: 2 }]);
  });

  it('writes a status passed through (via) and the move in one statement, their events at consecutive seqs', async () => {
    const id = await created();
    const routing = { type: 'order', orderId: id, status: 'routing', ts: 2 } as const;
    const building = { type: 'order', orderId: id, status: 'building', dex: 'raydium', side: 'sell', route: { kind: 'raydium', legs: [] }, quotes: [], limit: { minAmountOut: '1' }, reason: 'r', ts: 2 } as never;
    const moved = await store.transition(id, 'pending', { dex: 'raydium', attempts: 1 }, building, { via: routing });
    expect(moved?.via).toEqual({ ...routing, seq: 2 });
    expect(moved?.event).toMatchObject({ status: 'building', seq: 3 });
    expect(moved?.order).toMatchObject({ status: 'building', lastSeq: 3, attempts: 1, dex: 'raydium' });
    expect((await store.eventsAfter(id, 1)).map((event) => [event.seq, 'status' in event && event.status])).toEqual([[2, 'routing'], [3, 'building']]);
    const rows = await sql<{ seq: number; status: string }[]>`select seq, status from order_events where order_id = ${id} order by seq`;
    expect(rows.map((row) => [row.seq, row.status])).toEqual([[1, 'pending'], [2, 'routing'], [3, 'building']]);
    // A via on a move whose guard fails writes nothing.
    expect(await store.transition(id, 'pending', {}, building, { via: routing })).toBeNull();
    expect((await store.get(id))!.lastSeq).toBe(3);
  });

  it('takes up a pending market order without writing it, and records the attempt on any other live order only', async () => {
    const pending = await created();
    const before = (await store.get(pending))!;
    expect(await store.startAttempt(pending, 1)).toEqual(before);
    expect((await store.get(pending))!.updatedAt).toBe(before.updatedAt);

    const routed = await created();
    await store.transition(routed, 'pending', {}, { type: 'order', orderId: routed, status: 'routing', ts: 2 });
    expect((await store.startAttempt(routed, 2))!.attempts).toBe(2);
    expect((await store.startAttempt(routed, 1))!.attempts).toBe(2); // attempts only grow

    const ended = await created();
    await store.transition(ended, 'pending', {}, { type: 'order', orderId: ended, status: 'cancelled', reason: 'x', ts: 2 });
    expect(await store.startAttempt(ended, 3)).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(await store.startAttempt('00000000-0000-4000-8000-999999999999', 1)).toBeNull();
  });

  it('lets exactly one of many racing transitions win', async () => {
    const id = await created();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.transition(id, 'pending', {}, { type: 'order', orderId: id, status: 'routing', ts: i })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.get(id))!.lastSeq).toBe(2);
  });

  it('saves a transaction hash only over the hash it expects', async () => {
    const id = await created();
    expect(await store.saveTx(id, 'pending', null, { txHash: `tx-${id}`, lastValidBlockHeight: 4_500_000_000 })).toMatchObject({
      txHash: `tx-${id}`,
      lastValidBlockHeight: 4_500_000_000,
    });
    expect(await store.saveTx(id, 'pending', null, { txHash: `other-${id}`, lastValidBlockHeight: 1 })).toBeNull();
    expect((await store.get(id))!.txHash).toBe(`tx-${id}`);
  });

  it('finds pending orders older than an age', async () => {
    const id = await created();
    expect(await store.stalePending(60_000, 100)).not.toContain(id);
    await sql`update orders set updated_at = now() - interval '2 minutes', created_at = now() - interval '2 minutes' where id = ${id}`;
    expect(await store.stalePending(60_000, 100)).toContain(id);
  });
});
