import { randomUUID } from 'node:crypto';
import { chainKeys } from '../../src/adapters/redis/chain-keys.js';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { useEngine } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/test-engine.js';
import type { Client, Message } from '../helpers/ws-client.js';

const market = { op: 'submit', type: 'market', side: 'sell', pair: 'SOL/USDC', amount: '0.5', slippageBps: 500 } as const;

describe('races', () => {
  let app: TestEngine;
  let a: Client;
  let b: Client;
  let sql: postgres.Sql;
  useEngine({ env: { MOCK_QUOTE_LATENCY_MS: '0-40', MOCK_EXEC_LATENCY_MS: '20-80', WORKER_CONCURRENCY: '50' }, sqlMax: 4 }, async (fixture) => {
    ({ app, client: a, sql } = fixture);
    b = await fixture.connect();
  });

  it('two sockets submitting the same clientOrderId at the same moment, 50 times: one order and one execution each', async () => {
    const acks = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const clientOrderId = `race-${i}`;
        a.send({ ...market, reqId: `a-${i}`, clientOrderId });
        b.send({ ...market, reqId: `b-${i}`, clientOrderId });
        return Promise.all([a.waitFor((m) => m.reqId === `a-${i}`), b.waitFor((m) => m.reqId === `b-${i}`)]);
      }),
    );
    for (const [fromA, fromB] of acks) {
      expect(fromA.type).toBe('ack');
      expect(fromB.type).toBe('ack');
      expect(fromA.orderId).toBe(fromB.orderId);
      expect([fromA.duplicate, fromB.duplicate].filter(Boolean)).toHaveLength(1);
    }
    await Promise.all(acks.map(([ack]) => a.settle(ack.orderId as string)));
    const rows = await sql<{ client_order_id: string; status: string; tx_hash: string }[]>`
      select client_order_id, status, tx_hash from orders where client_order_id like 'race-%'`;
    expect(rows).toHaveLength(50);
    expect(rows.every((row) => row.status === 'confirmed')).toBe(true);
    const [confirmations] = await sql<{ count: string }[]>`
      select count(*) from order_events e join orders o on o.id = e.order_id
      where o.client_order_id like 'race-%' and e.status = 'confirmed'`;
    expect(confirmations!.count).toBe('50');
    const redis = new Redis(inject('redisUrl'));
    try {
      const sent = await redis.keys(chainKeys(app.namespace).tx('*'));
      for (const row of rows) expect(sent).toContain(chainKeys(app.namespace).tx(row.tx_hash));
    } finally {
      redis.disconnect();
    }
  });

  it('a cancel racing execution never leaves an order both cancelled and executed', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        a.send({ ...market, reqId: `c-${i}`, clientOrderId: `cancel-race-${i}` });
        const ack = await a.waitFor((m) => m.reqId === `c-${i}`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
        a.send({ op: 'cancel', reqId: `x-${i}`, orderId: ack.orderId });
        const reply = await a.waitFor((m) => m.reqId === `x-${i}`);
        const updates = await a.settle(ack.orderId as string, 20_000).catch(() => a.updatesOf(ack.orderId as string));
        return { ack, reply, updates };
      }),
    );
    let cancelled = 0;
    for (const { ack, reply, updates } of outcomes) {
      const statuses = updates.map((u: Message) => u.status);
      const [row] = await sql<{ status: string; tx_hash: string | null }[]>`select status, tx_hash from orders where id = ${ack.orderId as string}`;
      if (reply.type === 'cancelled') {
        cancelled += 1;
        expect(row).toEqual({ status: 'cancelled', tx_hash: null });
        expect(statuses).not.toContain('submitted');
        expect(statuses).not.toContain('confirmed');
      } else {
        expect(reply).toMatchObject({ code: 'NOT_CANCELLABLE' });
        expect(row!.status).not.toBe('cancelled');
        expect(statuses).not.toContain('cancelled');
      }
    }
    console.info(`cancel race: ${cancelled} of 50 cancelled, ${50 - cancelled} executed first`);
  });
});

describe('keyset pagination', () => {
  let app: TestEngine;
  let client: Client;
  let sql: postgres.Sql;
  useEngine({}, (fixture) => ({ app, client, sql } = fixture));

  it('pages through 500 orders, newest first, each exactly once, even when many share a timestamp', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: randomUUID(),
      type: 'market',
      side: i % 2 ? 'buy' : 'sell',
      pair: 'SOL/USDC',
      amount: '1',
      slippage_bps: 50,
      status: 'confirmed',
      account_id: app.account.accountId,
      // Groups of seven orders share one creation time, so only the id can order them.
      created_at: new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 7) * 1000),
    }));
    await sql`insert into orders ${sql(rows)}`;
    const seen: Array<{ orderId: string; createdAt: number }> = [];
    let before: string | null | undefined;
    for (let page = 0; page < 30; page += 1) {
      const reqId = `page-${page}`;
      client.send({ op: 'list', reqId, limit: 37, ...(before && { before }) });
      const reply = await client.waitFor((m) => m.reqId === reqId);
      seen.push(...(reply.orders as Array<{ orderId: string; createdAt: number }>));
      before = reply.next as string | null;
      if (!before) break;
    }
    expect(seen).toHaveLength(500);
    expect(new Set(seen.map((o) => o.orderId)).size).toBe(500);
    const expected = [...rows].sort((x, y) => y.created_at.getTime() - x.created_at.getTime() || (y.id > x.id ? 1 : -1)).map((r) => r.id);
    expect(seen.map((o) => o.orderId)).toEqual(expected);
  });
});
