import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/test-engine.js';
import type { Client, Message } from '../helpers/ws-client.js';

const STATUSES = ['pending', 'routing', 'building', 'submitted', 'confirmed'];

describe('an order submitted over the WebSocket', () => {
  let app: TestEngine;
  let client: Client;
  let sql: postgres.Sql;
  useEngine({}, (fixture) => ({ app, client, sql } = fixture));

  it('greets the client with the protocol version and the traded pairs', async () => {
    const hello = await client.waitFor((m) => m.type === 'hello');
    expect(hello.protocol).toBe(1);
    expect(hello.pairs).toContain('SOL/USDC');
    expect((hello.pairs as string[]).length).toBeGreaterThanOrEqual(3);
  });

  it('acks five concurrent orders on one socket and streams each through every status, in seq order, on the best venue', async () => {
    const orders = [
      { side: 'buy', pair: 'SOL/USDC', amount: '1.5' },
      { side: 'sell', pair: 'SOL/USDC', amount: 2 },
      { side: 'buy', pair: 'JUP/USDC', amount: '1000' },
      { side: 'sell', pair: 'RAY/USDC', amount: '250.5' },
      { side: 'buy', pair: 'SOL/USDT', amount: '0.25' },
    ];
    orders.forEach((order, i) => client.send({ op: 'submit', reqId: `five-${i}`, clientOrderId: `c-${i}`, type: 'market', slippageBps: 300, ...order }));

    const acks = await Promise.all(orders.map((_, i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `five-${i}`)));
    expect(new Set(acks.map((ack) => ack.orderId)).size).toBe(5);
    for (const [i, ack] of acks.entries()) {
      expect(ack).toMatchObject({ status: 'pending', seq: 1, clientOrderId: `c-${i}` });
      expect(ack.orderId).toMatch(/^[0-9a-f-]{36}$/);
    }

    const histories = await Promise.all(acks.map((ack) => client.settle(ack.orderId as string)));
    for (const [i, updates] of histories.entries()) {
      expect(updates.map((u) => u.status)).toEqual(STATUSES);
      expect(updates.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
      const building = updates[2]!;
      const quotes = building.quotes as Array<{ dex: string; price: string; amountIn: string; amountOut: string }>;
      expect(quotes.map((q) => q.dex).sort()).toEqual(['meteora', 'raydium']);
      const prices = quotes.map((q) => Number(q.price));
      const bestPrice = orders[i]!.side === 'buy' ? Math.min(...prices) : Math.max(...prices);
      const route = building.route as Array<{ dex: string; amount: string; amountIn?: string; amountOut?: string }>;
      if (building.dex === 'split') {
        // Both venues in one transaction: it must beat the best single venue for the whole size.
        expect(route.map((leg) => leg.dex).sort()).toEqual(['meteora', 'raydium']);
        const total = route.reduce((sum, leg) => sum + Number(leg.amountIn ?? leg.amountOut), 0);
        const single = quotes.find((q) => Number(q.price) === bestPrice)!;
        if (orders[i]!.side === 'buy') expect(total).toBeLessThan(Number(single.amountIn));
        else expect(total).toBeGreaterThan(Number(single.amountOut));
      } else {
        expect(Number(quotes.find((q) => q.dex === building.dex)!.price)).toBe(bestPrice);
        expect(route).toMatchObject([{ dex: building.dex }]);
      }
      expect(building.limit).toHaveProperty(orders[i]!.side === 'buy' ? 'maxAmountIn' : 'minAmountOut');
      const confirmed = updates[4]!;
      expect(confirmed.dex).toBe(building.dex);
      expect(confirmed.txHash).toBe(updates[3]!.txHash);
      expect(confirmed.txHash).toMatch(/^[1-9A-HJ-NP-Za-km-z]{80,90}$/);
      expect(Number(confirmed.executedPrice)).toBeGreaterThan(0);
      expect(typeof confirmed.amountOut).toBe('string');
    }
  });

  it('stores the order row and one event row per streamed message, identical to what was sent', async () => {
    client.send({ op: 'submit', reqId: 'db-1', type: 'market', side: 'sell', pair: 'SOL/USDC', amount: '3.25', slippageBps: 200 });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'db-1');
    const streamed = await client.settle(ack.orderId as string);
    const [row] = await sql`select * from orders where id = ${ack.orderId as string}`;
    const confirmed = streamed.at(-1)!;
    expect(row).toMatchObject({
      type: 'market',
      side: 'sell',
      pair: 'SOL/USDC',
      slippage_bps: 200,
      status: 'confirmed',
      dex: confirmed.dex,
      tx_hash: confirmed.txHash,
      attempts: 1,
      failure_code: null,
    });
    expect(Number(row!.amount)).toBe(3.25);
    expect(Number(row!.executed_price)).toBeCloseTo(Number(confirmed.executedPrice), 6);
    expect(Number(row!.amount_out)).toBeCloseTo(Number(confirmed.amountOut), 6);
    const events = await sql<{ seq: number; status: string; payload: Message }[]>`
      select seq, status, payload from order_events where order_id = ${ack.orderId as string} order by seq`;
    expect(events.map((e) => e.status)).toEqual(STATUSES);
    expect(events.map((e) => e.payload)).toEqual(streamed);
  });

  it('answers every bad message with a clear error, keeps the socket open, and creates nothing', async () => {
    const [{ count: before } = { count: '' }] = await sql<{ count: string }[]>`select count(*) from orders`;
    const bad: Array<[unknown, string, string | undefined]> = [
      ['this is not json', 'BAD_JSON', undefined],
      [{ op: 'submit', reqId: 'neg', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '-1' }, 'INVALID_ORDER', 'amount'],
      [{ op: 'submit', reqId: 'zero', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: 0 }, 'INVALID_ORDER', 'amount'],
      [{ op: 'submit', reqId: 'pair', type: 'market', side: 'buy', pair: 'DOGE/USDC', amount: '1' }, 'UNKNOWN_PAIR', 'pair'],
      [{ op: 'explode', reqId: 'op' }, 'UNKNOWN_OP', 'op'],
      [{ op: 'submit', reqId: 'missing', type: 'market', side: 'buy', amount: '1' }, 'INVALID_ORDER', 'pair'],
      [{ op: 'submit', reqId: 'slip', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 9000 }, 'INVALID_ORDER', 'slippageBps'],
      [{ op: 'submit', reqId: 'dec', type: 'market', side: 'buy', pair: 'JUP/USDC', amount: '1.1234567' }, 'INVALID_ORDER', 'amount'],
      [{ op: 'submit', reqId: 'extra', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', price: '1' }, 'INVALID_ORDER', 'price'],
      [[1, 2, 3], 'INVALID_MESSAGE', undefined],
    ];
    for (const [message, code, field] of bad) {
      const start = client.messages.length;
      client.send(message);
      const reply = await client.waitFor((m) => client.messages.indexOf(m) >= start && m.type === 'error');
      expect(reply.code, JSON.stringify(message)).toBe(code);
      expect(reply.field).toBe(field);
      expect(reply.retryable).toBe(false);
      expect(typeof reply.message).toBe('string');
      if (typeof message === 'object' && message && 'reqId' in message) expect(reply.reqId).toBe((message as { reqId: string }).reqId);
    }
    client.send({ op: 'ping', reqId: 'still-here' });
    await client.waitFor((m) => m.type === 'pong' && m.reqId === 'still-here');
    const [{ count: after } = { count: '' }] = await sql<{ count: string }[]>`select count(*) from orders`;
    expect(after).toBe(before);
    expect(client.messages.some((m) => m.type === 'ack' && ['neg', 'zero', 'pair', 'missing', 'slip', 'dec', 'extra'].includes(m.reqId as string))).toBe(false);
  });

  it('serves health as 200 with both dependencies up, and the page with its content types and caching headers', async () => {
    const health = await fetch(`${app.httpUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'up', postgres: 'up' });
    const page = await fetch(`${app.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const script = await fetch(`${app.httpUrl}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = script.headers.get('etag')!;
    expect((await fetch(`${app.httpUrl}/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${app.httpUrl}/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${app.httpUrl}/nope`)).status).toBe(404);
  });
});
