import postgres from 'postgres';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/engine-fixture.js';
import { ask, connectClient, type Client, type Message } from '../helpers/ws-client.js';
import { startTestEngine, type TestEngine } from '../helpers/test-engine.js';

const market = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 300 } as const;

describe('protocol operations', () => {
  let app: TestEngine;
  let client: Client;
  let sql: postgres.Sql;
  useEngine({ env: { MOCK_QUOTE_LATENCY_MS: '20', MOCK_EXEC_LATENCY_MS: '300' } }, (fixture) => ({ app, client, sql } = fixture));

  describe('pairs', () => {
    it('lists every pair with its tokens, decimals and venues', async () => {
      // Live once the engine has a fresh slot of the chain (a busy machine may take a moment after start).
      await expect.poll(async () => ((await ask(client, { op: 'pairs' })).pairs as Array<{ live: boolean }>)[0]!.live, { timeout: 10_000, interval: 100 }).toBe(true);
      const reply = await ask(client, { op: 'pairs' });
      expect(reply.type).toBe('pairs');
      const pairs = reply.pairs as Array<{ symbol: string; base: { decimals: number }; venues: string[] }>;
      expect(pairs.map((p) => p.symbol)).toEqual(['SOL/USDC', 'SOL/USDT', 'JUP/USDC', 'RAY/USDC']);
      expect(pairs[0]).toEqual({ symbol: 'SOL/USDC', base: { symbol: 'SOL', decimals: 9 }, quote: { symbol: 'USDC', decimals: 6 }, venues: ['raydium', 'meteora'], live: true });
    });
  });

  describe('idempotent submit', () => {
    it('returns the existing order for a repeated clientOrderId and never creates a second one', async () => {
      const first = await ask(client, { ...market, clientOrderId: 'idem-1' });
      await client.settle(first.orderId as string);
      const again = await ask(client, { ...market, clientOrderId: 'idem-1', amount: '1.000' });
      expect(again).toMatchObject({ type: 'ack', orderId: first.orderId, duplicate: true, status: 'confirmed', lastSeq: 5 });
      const [row] = await sql<{ count: string }[]>`select count(*) from orders where client_order_id = 'idem-1'`;
      expect(row!.count).toBe('1');
    });

    it('refuses a clientOrderId reused with different fields', async () => {
      const first = await ask(client, { ...market, clientOrderId: 'idem-2' });
      const other = await ask(client, { ...market, clientOrderId: 'idem-2', side: 'sell' });
      expect(other).toMatchObject({ type: 'error', code: 'DUPLICATE_CLIENT_ORDER_ID', field: 'clientOrderId', retryable: false });
      expect(other.message).toContain(first.orderId as string);
    });
  });

  describe('get', () => {
    it('returns the current state and the full history, by orderId or clientOrderId', async () => {
      const ack = await ask(client, { ...market, clientOrderId: 'get-1' });
      const streamed = await client.settle(ack.orderId as string);
      for (const selector of [{ orderId: ack.orderId }, { clientOrderId: 'get-1' }]) {
        const reply = await ask(client, { op: 'get', ...selector });
        expect(reply.type).toBe('order_state');
        expect(reply.order).toMatchObject({ orderId: ack.orderId, clientOrderId: 'get-1', status: 'confirmed', lastSeq: 5, pair: 'SOL/USDC', side: 'buy', amount: '1' });
        expect(reply.events).toEqual(streamed);
      }
    });

    it('answers ORDER_NOT_FOUND for an unknown order and names the field when the selector is wrong', async () => {
      expect(await ask(client, { op: 'get', orderId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ type: 'error', code: 'ORDER_NOT_FOUND' });
      expect(await ask(client, { op: 'get' })).toMatchObject({ code: 'INVALID_MESSAGE', field: 'orderId' });
      expect(await ask(client, { op: 'get', orderId: 'not-a-uuid' })).toMatchObject({ code: 'INVALID_MESSAGE', field: 'orderId' });
      expect(await ask(client, { op: 'get', orderId: '00000000-0000-4000-8000-000000000000', clientOrderId: 'x' })).toMatchObject({
        code: 'INVALID_MESSAGE',
        field: 'orderId',
      });
    });
  });

  describe('list', () => {
    it('returns orders newest first, filters by status, and refuses a forged cursor', async () => {
      const acks = await Promise.all([1, 2, 3].map(() => ask(client, { ...market })));
      await Promise.all(acks.map((ack) => client.settle(ack.orderId as string)));
      const page = await ask(client, { op: 'list', limit: 2 });
      expect(page.type).toBe('orders');
      const orders = page.orders as Array<{ orderId: string; createdAt: number; status: string }>;
      expect(orders).toHaveLength(2);
      expect([...orders].sort((a, b) => b.createdAt - a.createdAt)).toEqual(orders);
      expect(typeof page.next).toBe('string');
      const confirmed = await ask(client, { op: 'list', status: 'confirmed', limit: 200 });
      expect((confirmed.orders as Array<{ status: string }>).every((o) => o.status === 'confirmed')).toBe(true);
      expect(await ask(client, { op: 'list', before: 'bm9wZQ' })).toMatchObject({ code: 'INVALID_CURSOR', field: 'before' });
      expect(await ask(client, { op: 'list', limit: 0 })).toMatchObject({ code: 'INVALID_MESSAGE', field: 'limit' });
      expect(await ask(client, { op: 'list', status: 'lost' })).toMatchObject({ code: 'INVALID_MESSAGE', field: 'status' });
    });
  });

  describe('subscribe', () => {
    it('replays what another socket missed and streams the rest, with no gap and no duplicate', async () => {
      const ack = await ask(client, { ...market, clientOrderId: 'sub-1' });
      await client.waitFor((m) => m.orderId === ack.orderId && m.status === 'routing');
      const other = await connectClient(app.wsUrl);
      try {
        const reply = await ask(other, { op: 'subscribe', orderId: ack.orderId, fromSeq: 1 });
        expect(reply).toMatchObject({ type: 'subscribed', orderId: ack.orderId, fromSeq: 1 });
        const seen = await other.settle(ack.orderId as string);
        expect(seen.map((m) => m.seq)).toEqual([2, 3, 4, 5]);
        expect(seen).toEqual((await client.settle(ack.orderId as string)).slice(1));
      } finally {
        await other.close();
      }
    });

    it('answers ORDER_NOT_FOUND for an unknown order and sends nothing more for a finished one already seen', async () => {
      expect(await ask(client, { op: 'subscribe', orderId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ code: 'ORDER_NOT_FOUND', field: 'orderId' });
      const ack = await ask(client, { ...market });
      await client.settle(ack.orderId as string);
      const before = client.updatesOf(ack.orderId as string).length;
      expect(await ask(client, { op: 'subscribe', orderId: ack.orderId, fromSeq: 5 })).toMatchObject({ status: 'confirmed', lastSeq: 5 });
      await ask(client, { op: 'ping' });
      expect(client.updatesOf(ack.orderId as string)).toHaveLength(before);
    });
  });

  describe('heartbeat', () => {
    it('answers ping with pong', async () => {
      const pong = await ask(client, { op: 'ping' });
      expect(pong.type).toBe('pong');
      expect(typeof pong.ts).toBe('number');
    });
  });
});

describe('cancel', () => {
  let app: TestEngine;
  let client: Client;
  useEngine({ env: { MOCK_QUOTE_LATENCY_MS: '1000', MOCK_EXEC_LATENCY_MS: '100' } }, (fixture) => ({ app, client } = fixture));

  it('cancels an order that is still routing, streams `cancelled`, and never executes it', async () => {
    const ack = await ask(client, { ...market, clientOrderId: 'cancel-me' });
    await client.waitFor((m) => m.orderId === ack.orderId && m.status === 'routing');
    const reply = await ask(client, { op: 'cancel', clientOrderId: 'cancel-me' });
    expect(reply).toMatchObject({ type: 'cancelled', orderId: ack.orderId, seq: 3 });
    const updates = await client.waitFor((m) => m.orderId === ack.orderId && m.status === 'cancelled');
    expect(updates).toMatchObject({ type: 'order', seq: 3, reason: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the worker's quotes come back meanwhile
    const state = await ask(client, { op: 'get', orderId: ack.orderId });
    expect(state.order).toMatchObject({ status: 'cancelled', txHash: null, lastSeq: 3 });
    expect((state.events as Message[]).map((e) => e.status)).toEqual(['pending', 'routing', 'cancelled']);
  });

  it('refuses to cancel a finished order with NOT_CANCELLABLE and its status, and an unknown one with ORDER_NOT_FOUND', async () => {
    const ack = await ask(client, { ...market });
    await client.settle(ack.orderId as string);
    expect(await ask(client, { op: 'cancel', orderId: ack.orderId })).toMatchObject({ type: 'error', code: 'NOT_CANCELLABLE', status: 'confirmed', retryable: false });
    expect(await ask(client, { op: 'cancel', orderId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });
});

describe('idle connections', () => {
  it('closes a connection that answers neither messages nor pings after the idle timeout', async () => {
    const app = await startTestEngine({ env: { WS_IDLE_TIMEOUT_SECONDS: '8' } });
    try {
      const silent = new WebSocket(app.wsUrl, { autoPong: false });
      // uWS checks idle sockets every 4 s, so only the outcome is asserted, not the moment.
      const code = await new Promise<number>((resolve) => silent.on('close', (c) => resolve(c)));
      expect([1006, 1001, 1000]).toContain(code);
      // A client that answers pings (every browser, ws, wscat) stays.
      const polite = await connectClient(app.wsUrl);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      expect(polite.closeInfo).toBeUndefined();
      await polite.close();
    } finally {
      await app.close();
    }
  }, 40_000);
});
