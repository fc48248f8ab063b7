import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ERRORS } from '../../../src/errors.js';
import { UNLIMITED, type Limits } from '../../../src/gateway/limits.js';
import type { MarketData, RoutedQuote } from '../../../src/gateway/market-data.js';
import { createOrderFeed } from '../../../src/gateway/order-feed.js';
import { createSession, type SessionDeps } from '../../../src/gateway/session.js';
import type { ClientSink } from '../../../src/gateway/topics.js';
import { encodeCursor } from '../../../src/orders/query-orders.js';
import type { OrderStatus } from '../../../src/orders/status.js';
import type { SubmitResult } from '../../../src/orders/submit-order.js';
import type { SubmitMessage } from '../../../src/protocol/client-messages.js';
import type { AckMessage, DuplicateAckMessage, OrderSnapshot, OrderUpdate, PairInfo } from '../../../src/protocol/server-messages.js';
import { findPair } from '../../../src/venues/pairs.js';
import type { Quote } from '../../../src/venues/types.js';

const log = pino({ level: 'silent' });
const ACCOUNT = 'a0000000-0000-4000-8000-000000000001';
const ORDER_ID = '11111111-1111-4111-8111-111111111111';
const OTHER_ID = '22222222-2222-4222-8222-222222222222';
const NOW = 1_800_000_000_000;
const PAIRS: PairInfo[] = [
  { symbol: 'SOL/USDC', base: { symbol: 'SOL', decimals: 9 }, quote: { symbol: 'USDC', decimals: 6 }, venues: ['raydium', 'meteora'] },
  { symbol: 'JUP/USDC', base: { symbol: 'JUP', decimals: 6 }, quote: { symbol: 'USDC', decimals: 6 }, venues: ['raydium', 'meteora'] },
];
const market = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' } as const;

type Reply = Record<string, unknown> & { type: string };

const ackOf = (message: SubmitMessage, orderId = ORDER_ID): AckMessage => ({
  type: 'ack',
  ...(message.reqId !== undefined && { reqId: message.reqId }),
  orderId,
  ...(message.clientOrderId !== undefined && { clientOrderId: message.clientOrderId }),
  status: 'pending',
  seq: 1,
  ts: NOW,
});

/** An order event; the fields beyond the common ones do not matter to the session. */
const event = (seq: number, status: OrderStatus, orderId = ORDER_ID) => ({ type: 'order', orderId, seq, status, ts: NOW + seq }) as OrderUpdate;

const snapshot = (status: OrderStatus, lastSeq: number, orderId = ORDER_ID): OrderSnapshot => ({
  orderId,
  clientOrderId: 'c1',
  type: 'market',
  side: 'buy',
  pair: 'SOL/USDC',
  amount: '1',
  slippageBps: 50,
  status,
  dex: null,
  txHash: null,
  executedPrice: null,
  amountOut: null,
  error: null,
  attempts: 0,
  lastSeq,
  createdAt: NOW,
  updatedAt: NOW,
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets every pending promise chain run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Market data at slot 42 with a live SOL/USDC (JUP/USDC is traded but has no live pool); quote answers null unless told. */
function fakeMarketData() {
  const solUsdc = findPair('SOL/USDC')!;
  let slot: number | null = 42;
  return {
    slot: vi.fn(() => slot),
    livePairs: vi.fn(() => [solUsdc]),
    quote: vi.fn<MarketData['quote']>(() => null),
    tick: vi.fn(() => null),
    onTicks: vi.fn(() => () => undefined),
    /** As before the first slot arrived. */
    notReady: () => void (slot = null),
  } satisfies MarketData & Record<string, unknown>;
}

/** The real order feed over a fake history, and fakes for everything else the session asks of the engine. */
function harness(limits: Limits = UNLIMITED) {
  const sent: string[] = [];
  /** Frames and topic changes in the order the session made them. */
  const wire: string[] = [];
  const sink: ClientSink = {
    send: (text) => void (sent.push(text), wire.push(`send ${JSON.parse(text).type}`)),
    subscribe: (topic) => void wire.push(`join ${topic}`),
    unsubscribe: (topic) => void wire.push(`leave ${topic}`),
  };
  const marketData = fakeMarketData();
  const history = new Map<string, OrderUpdate[]>();
  const loadAfter = vi.fn(async (orderId: string, afterSeq: number) => (history.get(orderId) ?? []).filter((update) => update.seq > afterSeq));
  const feed = createOrderFeed({ loadAfter, log });
  let accepting = true;
  const deps = {
    // Like the real use case: the subscriber watches the order before it is acked.
    submitOrder: vi.fn<SessionDeps['submitOrder']>(async (message, _accountId, subscriber) => {
      subscriber.watch(ORDER_ID);
      return { ok: true, ack: ackOf(message) };
    }),
    cancelOrder: vi.fn<SessionDeps['cancelOrder']>(async () => ({ ok: true, orderId: ORDER_ID, seq: 3 })),
    cancelAll: vi.fn<SessionDeps['cancelAll']>(async () => [ORDER_ID]),
    amendOrder: vi.fn<SessionDeps['amendOrder']>(async () => ({ ok: true, orderId: ORDER_ID, seq: 4 })),
    cancelAllAfter: vi.fn<SessionDeps['cancelAllAfter']>(async (_accountId, timeoutMs) => (timeoutMs === 0 ? 0 : NOW + timeoutMs)),
    queries: {
      get: vi.fn<SessionDeps['queries']['get']>(async () => null),
      list: vi.fn<SessionDeps['queries']['list']>(async () => ({ orders: [], next: null })),
    },
    feed,
    now: () => NOW,
    pairs: () => PAIRS,
    marketData,
    accepting: () => accepting,
  } satisfies SessionDeps;
  const session = createSession(deps, { accountId: ACCOUNT, keyId: 'k1' }, limits, sink, log);
  return {
    session,
    deps,
    feed,
    history,
    loadAfter,
    sink,
    wire,
    marketData,
    /** Every frame sent so far, decoded. */
    replies: () => sent.map((text) => JSON.parse(text) as Reply),
    /** Sends one text frame (an object is JSON-encoded) and waits for it to be handled. */
    send: (message: unknown) => session.onText(typeof message === 'string' ? message : JSON.stringify(message)),
    stopAccepting: () => void (accepting = false),
  };
}

describe('session', () => {
  it('greets with the protocol version, the pair symbols and the time', () => {
    const t = harness();
    t.session.hello();
    expect(t.replies()).toEqual([{ type: 'hello', protocol: 1, pairs: ['SOL/USDC', 'JUP/USDC'], ts: NOW }]);
  });

  describe('submit', () => {
    it('acks an order, handing the decoded message and the caller account to submitOrder, then streams its events', async () => {
      const t = harness();
      await t.send({ ...market, reqId: 'r1', clientOrderId: 'c1', amount: 1.5 });
      expect(t.deps.submitOrder).toHaveBeenCalledWith(
        { op: 'submit', reqId: 'r1', clientOrderId: 'c1', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1.5', slippageBps: 50, deadlineMs: 10_000 },
        ACCOUNT,
        expect.objectContaining({ watch: expect.any(Function), unwatch: expect.any(Function) }),
      );
      t.feed.deliverUpdate(event(2, 'routing'));
      expect(t.replies()).toEqual([
        { type: 'ack', reqId: 'r1', orderId: ORDER_ID, clientOrderId: 'c1', status: 'pending', seq: 1, ts: NOW },
        { type: 'order', orderId: ORDER_ID, seq: 2, status: 'routing', ts: NOW + 2 },
      ]);
    });

    it('answers a duplicate with the existing order, then replays its events after the ack and streams the rest', async () => {
      const duplicate: DuplicateAckMessage = {
        type: 'ack',
        reqId: 'again',
        orderId: ORDER_ID,
        clientOrderId: 'c1',
        status: 'building',
        duplicate: true,
        lastSeq: 3,
        ts: NOW,
      };
      const t = harness();
      t.deps.submitOrder.mockResolvedValueOnce({ ok: true, duplicate });
      t.history.set(ORDER_ID, [ackOf({ ...market, slippageBps: 50, deadlineMs: 10_000 }), event(2, 'routing'), event(3, 'building')]);
      await t.send({ ...market, reqId: 'again', clientOrderId: 'c1' });
      t.feed.deliverUpdate(event(4, 'submitted'));
      expect(t.replies()).toEqual([duplicate, event(2, 'routing'), event(3, 'building'), event(4, 'submitted')]);
    });

    it('does not replay a duplicate to a socket that already follows the order', async () => {
      const t = harness();
      const duplicate: DuplicateAckMessage = { type: 'ack', orderId: ORDER_ID, clientOrderId: 'c1', status: 'routing', duplicate: true, lastSeq: 2, ts: NOW };
      t.deps.submitOrder.mockImplementationOnce(async (message, _accountId, subscriber) => {
        subscriber.watch(ORDER_ID);
        return { ok: true, ack: ackOf(message) };
      });
      t.deps.submitOrder.mockImplementationOnce(async () => ({ ok: true, duplicate }));
      await t.send({ ...market, clientOrderId: 'c1' });
      t.feed.deliverUpdate(event(2, 'routing'));
      t.history.set(ORDER_ID, [event(2, 'routing')]);
      await t.send({ ...market, clientOrderId: 'c1' });
      expect(t.replies().map((reply) => [reply.type, reply.seq ?? reply.lastSeq])).toEqual([
        ['ack', 1],
        ['order', 2],
        ['ack', 2],
      ]);
      expect(t.loadAfter).not.toHaveBeenCalled();
    });

    it('answers a refused order with its code, message and field and the reqId, retryable as the catalogue says', async () => {
      const t = harness();
      t.deps.submitOrder.mockResolvedValueOnce({
        ok: false,
        error: { code: 'UNKNOWN_PAIR', message: 'pair DOGE/USDC is not traded here', field: 'pair', retryable: false },
      });
      t.deps.submitOrder.mockResolvedValueOnce({
        ok: false,
        error: { code: 'LIMIT_EXCEEDED', message: 'the account has as many orders in flight as it may', retryable: true },
      });
      await t.send({ ...market, reqId: 'doge', pair: 'DOGE/USDC' });
      await t.send({ ...market, reqId: 'full' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'doge', code: 'UNKNOWN_PAIR', message: 'pair DOGE/USDC is not traded here', field: 'pair', retryable: false },
        { type: 'error', reqId: 'full', code: 'LIMIT_EXCEEDED', message: 'the account has as many orders in flight as it may', retryable: true },
      ]);
    });

    it('answers INTERNAL_ERROR with the reqId when submitOrder throws, and goes on serving the socket', async () => {
      const t = harness();
      t.deps.submitOrder.mockRejectedValueOnce(new Error('database on fire'));
      await t.send({ ...market, reqId: 'boom' });
      await t.send({ op: 'ping', reqId: 'after' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'boom', code: 'INTERNAL_ERROR', message: ERRORS.INTERNAL_ERROR.message, retryable: true },
        { type: 'pong', reqId: 'after', ts: NOW },
      ]);
    });
  });

  describe('cancel', () => {
    it('cancels within the caller account by clientOrderId and answers cancelled with the seq of the event', async () => {
      const t = harness();
      await t.send({ op: 'cancel', reqId: 'x1', clientOrderId: 'c1' });
      expect(t.deps.cancelOrder).toHaveBeenCalledWith(expect.objectContaining({ clientOrderId: 'c1' }), ACCOUNT);
      expect(t.replies()).toEqual([{ type: 'cancelled', reqId: 'x1', orderId: ORDER_ID, seq: 3 }]);
    });

    it('answers a refused cancel with its code and, for NOT_CANCELLABLE, the status that beat it', async () => {
      const t = harness();
      t.deps.cancelOrder.mockResolvedValueOnce({ ok: false, code: 'NOT_CANCELLABLE', message: 'it is building with its transaction signed', status: 'building' });
      t.deps.cancelOrder.mockResolvedValueOnce({ ok: false, code: 'ORDER_NOT_FOUND', message: ERRORS.ORDER_NOT_FOUND.message });
      await t.send({ op: 'cancel', reqId: 'late', orderId: ORDER_ID });
      await t.send({ op: 'cancel', reqId: 'ghost', orderId: OTHER_ID });
      expect(t.deps.cancelOrder).toHaveBeenNthCalledWith(1, expect.objectContaining({ orderId: ORDER_ID }), ACCOUNT);
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'late', code: 'NOT_CANCELLABLE', message: 'it is building with its transaction signed', retryable: false, status: 'building' },
        { type: 'error', reqId: 'ghost', code: 'ORDER_NOT_FOUND', message: ERRORS.ORDER_NOT_FOUND.message, retryable: false },
      ]);
    });
  });

  describe('cancelAll', () => {
    it('cancels what the caller account can still cancel, of one pair when asked, and answers with the count and the ids', async () => {
      const t = harness();
      t.deps.cancelAll.mockResolvedValueOnce([ORDER_ID, OTHER_ID]).mockResolvedValueOnce([]);
      await t.send({ op: 'cancelAll', reqId: 'all' });
      await t.send({ op: 'cancelAll', reqId: 'jup', pair: 'JUP/USDC' });
      expect(t.deps.cancelAll).toHaveBeenNthCalledWith(1, ACCOUNT, undefined);
      expect(t.deps.cancelAll).toHaveBeenNthCalledWith(2, ACCOUNT, 'JUP/USDC');
      expect(t.replies()).toEqual([
        { type: 'cancelled_all', reqId: 'all', count: 2, orderIds: [ORDER_ID, OTHER_ID] },
        { type: 'cancelled_all', reqId: 'jup', count: 0, orderIds: [] },
      ]);
    });

    it('refuses a pair that is not traded, naming the field, and cancels nothing', async () => {
      const t = harness();
      await t.send({ op: 'cancelAll', reqId: 'x', pair: 'DOGE/USDC' });
      expect(t.deps.cancelAll).not.toHaveBeenCalled();
      expect(t.replies()).toMatchObject([{ type: 'error', reqId: 'x', code: 'UNKNOWN_PAIR', field: 'pair' }]);
    });
  });

  describe('cancelAllAfter', () => {
    it('arms the switch for the caller account and answers when it fires; 0 disarms it', async () => {
      const t = harness();
      await t.send({ op: 'cancelAllAfter', reqId: 'arm', timeoutMs: 5_000 });
      await t.send({ op: 'cancelAllAfter', reqId: 'off', timeoutMs: 0 });
      expect(t.deps.cancelAllAfter).toHaveBeenNthCalledWith(1, ACCOUNT, 5_000);
      expect(t.deps.cancelAllAfter).toHaveBeenNthCalledWith(2, ACCOUNT, 0);
      expect(t.replies()).toEqual([
        { type: 'cancel_all_after', reqId: 'arm', triggerAt: NOW + 5_000 },
        { type: 'cancel_all_after', reqId: 'off', triggerAt: 0 },
      ]);
    });
  });

  describe('get', () => {
    it('answers order_state with the order and its events, looked up within the caller account', async () => {
      const t = harness();
      const events = [ackOf({ ...market, slippageBps: 50, deadlineMs: 10_000 }), event(2, 'routing')];
      t.deps.queries.get.mockResolvedValueOnce({ order: snapshot('routing', 2), events });
      await t.send({ op: 'get', reqId: 'g1', orderId: ORDER_ID });
      expect(t.deps.queries.get).toHaveBeenCalledWith(expect.objectContaining({ orderId: ORDER_ID }), ACCOUNT);
      expect(t.replies()).toEqual([{ type: 'order_state', reqId: 'g1', order: snapshot('routing', 2), events }]);
    });

    it('answers ORDER_NOT_FOUND for an order it cannot see', async () => {
      const t = harness();
      await t.send({ op: 'get', reqId: 'g2', clientOrderId: 'nobody' });
      expect(t.replies()).toEqual([{ type: 'error', reqId: 'g2', code: 'ORDER_NOT_FOUND', message: ERRORS.ORDER_NOT_FOUND.message, retryable: false }]);
    });
  });

  describe('list', () => {
    it('passes the decoded cursor, the limit and the status to the query and answers with its page and next cursor', async () => {
      const t = harness();
      const cursor = { createdAt: '2026-01-02 03:04:05.678+00', id: ORDER_ID };
      t.deps.queries.list.mockResolvedValueOnce({ orders: [snapshot('confirmed', 5, OTHER_ID)], next: 'older' });
      await t.send({ op: 'list', reqId: 'l1', limit: 2, before: encodeCursor(cursor), status: 'confirmed' });
      expect(t.deps.queries.list).toHaveBeenCalledWith({ accountId: ACCOUNT, limit: 2, before: cursor, status: 'confirmed' });
      expect(t.replies()).toEqual([{ type: 'orders', reqId: 'l1', orders: [snapshot('confirmed', 5, OTHER_ID)], next: 'older' }]);
    });

    it('asks for the first page of 50 when no cursor, limit or status is given', async () => {
      const t = harness();
      await t.send({ op: 'list' });
      expect(t.deps.queries.list).toHaveBeenCalledWith({ accountId: ACCOUNT, limit: 50 });
      expect(t.replies()).toEqual([{ type: 'orders', orders: [], next: null }]);
    });

    it('refuses a cursor it did not give out with INVALID_CURSOR on before, without querying', async () => {
      const t = harness();
      await t.send({ op: 'list', reqId: 'forged', before: 'bm9wZQ' });
      expect(t.deps.queries.list).not.toHaveBeenCalled();
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'forged', code: 'INVALID_CURSOR', message: ERRORS.INVALID_CURSOR.message, field: 'before', retryable: false },
      ]);
    });
  });

  describe('subscribe', () => {
    it("confirms with the order's status and lastSeq, replays the events after fromSeq, then streams live ones until the end", async () => {
      const t = harness();
      t.deps.queries.get.mockResolvedValue({ order: snapshot('building', 3), events: [] });
      t.history.set(ORDER_ID, [ackOf({ ...market, slippageBps: 50, deadlineMs: 10_000 }), event(2, 'routing'), event(3, 'building')]);
      await t.send({ op: 'subscribe', reqId: 's1', orderId: ORDER_ID, fromSeq: 1 });
      expect(t.deps.queries.get).toHaveBeenCalledWith({ orderId: ORDER_ID }, ACCOUNT);
      t.feed.deliverUpdate(event(3, 'building')); // already replayed: not sent twice
      t.feed.deliverUpdate(event(4, 'cancelled'));
      expect(t.replies()).toEqual([
        { type: 'subscribed', reqId: 's1', orderId: ORDER_ID, fromSeq: 1, status: 'building', lastSeq: 3 },
        event(2, 'routing'),
        event(3, 'building'),
        event(4, 'cancelled'),
      ]);
      expect(t.feed.size).toBe(0);
    });

    it('replays the whole history, ack included, when fromSeq is left out', async () => {
      const t = harness();
      const ack = ackOf({ ...market, slippageBps: 50, deadlineMs: 10_000 });
      t.deps.queries.get.mockResolvedValue({ order: snapshot('routing', 2), events: [] });
      t.history.set(ORDER_ID, [ack, event(2, 'routing')]);
      await t.send({ op: 'subscribe', orderId: ORDER_ID });
      expect(t.replies()).toEqual([{ type: 'subscribed', orderId: ORDER_ID, fromSeq: 0, status: 'routing', lastSeq: 2 }, ack, event(2, 'routing')]);
    });

    it('restarts the stream from fromSeq when the socket already follows the order', async () => {
      const t = harness();
      await t.send({ ...market });
      t.feed.deliverUpdate(event(2, 'routing'));
      t.deps.queries.get.mockResolvedValue({ order: snapshot('routing', 2), events: [] });
      t.history.set(ORDER_ID, [ackOf({ ...market, slippageBps: 50, deadlineMs: 10_000 }), event(2, 'routing')]);
      await t.send({ op: 'subscribe', orderId: ORDER_ID, fromSeq: 1 });
      expect(t.replies().map((reply) => `${reply.type}:${reply.seq ?? reply.fromSeq}`)).toEqual(['ack:1', 'order:2', 'subscribed:1', 'order:2']);
    });

    it('sends only the confirmation for a finished order with nothing after fromSeq, and watches nothing', async () => {
      const t = harness();
      t.deps.queries.get.mockResolvedValue({ order: snapshot('confirmed', 5), events: [] });
      await t.send({ op: 'subscribe', reqId: 'done', orderId: ORDER_ID, fromSeq: 5 });
      expect(t.replies()).toEqual([{ type: 'subscribed', reqId: 'done', orderId: ORDER_ID, fromSeq: 5, status: 'confirmed', lastSeq: 5 }]);
      expect(t.loadAfter).not.toHaveBeenCalled();
      expect(t.feed.size).toBe(0);
    });

    it('answers ORDER_NOT_FOUND naming orderId for an order it cannot see', async () => {
      const t = harness();
      await t.send({ op: 'subscribe', reqId: 's2', orderId: OTHER_ID });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 's2', code: 'ORDER_NOT_FOUND', message: ERRORS.ORDER_NOT_FOUND.message, field: 'orderId', retryable: false },
      ]);
      expect(t.feed.size).toBe(0);
    });
  });

  describe('quote', () => {
    const buyQuote = (dex: Quote['dex'], amountIn: number, fee: number, feeBps: number, priceImpactBps: number): Quote => ({
      dex,
      pair: 'SOL/USDC',
      side: 'buy',
      amountIn,
      amountOut: 1.5,
      price: amountIn / 1.5,
      fee,
      feeBps,
      priceImpactBps,
    });
    const raydium = buyQuote('raydium', 210.48994412, 0.52622486, 25, 0.0812);
    const meteora = buyQuote('meteora', 210.3966921, 0.2103967, 10, 0);
    const routed: RoutedQuote = {
      slot: 41,
      quotes: [raydium, meteora],
      route: { kind: 'meteora', pair: 'SOL/USDC', side: 'buy', amount: 1.5, legs: [{ dex: 'meteora', amount: 1.5, quote: meteora }], amountIn: meteora.amountIn, amountOut: 1.5, fee: meteora.fee, price: meteora.price },
    };

    it('answers with every venue\'s quote and the route, in the pair\'s decimals like the building event, from the latest slot', async () => {
      const t = harness();
      t.marketData.quote.mockReturnValueOnce(routed);
      await t.send({ op: 'quote', reqId: 'q1', pair: 'SOL/USDC', side: 'buy', amount: 1.5 });
      expect(t.marketData.quote).toHaveBeenCalledWith('SOL/USDC', 'buy', 1.5);
      expect(t.replies()).toEqual([
        {
          type: 'quote',
          reqId: 'q1',
          pair: 'SOL/USDC',
          side: 'buy',
          amount: '1.5',
          slot: 41,
          quotes: [
            { dex: 'raydium', price: '140.326629', amountIn: '210.489944', amountOut: '1.500000000', fee: '0.526225', feeBps: 25, priceImpactBps: 0.08 },
            { dex: 'meteora', price: '140.264461', amountIn: '210.396692', amountOut: '1.500000000', fee: '0.210397', feeBps: 10, priceImpactBps: 0 },
          ],
          best: 'meteora',
          route: [{ dex: 'meteora', amount: '1.500000000', amountIn: '210.396692' }],
          ts: NOW,
        },
      ]);
      expect(t.deps.submitOrder).not.toHaveBeenCalled();
    });

    it('shows a split sell as two legs, each with the QUOTE it returns', async () => {
      const t = harness();
      const sell = (dex: Quote['dex'], amountIn: number, amountOut: number): Quote => ({
        dex, pair: 'SOL/USDC', side: 'sell', amountIn, amountOut, price: amountOut / amountIn, fee: amountOut * 0.002, feeBps: 20, priceImpactBps: 150,
      });
      const legs = [
        { dex: 'raydium' as const, amount: 3600.5, quote: sell('raydium', 3600.5, 498_123.4567891) },
        { dex: 'meteora' as const, amount: 1399.5, quote: sell('meteora', 1399.5, 193_456.7654321) },
      ];
      t.marketData.quote.mockReturnValueOnce({
        slot: 7,
        quotes: [sell('raydium', 5000, 688_000), sell('meteora', 5000, 671_000)],
        route: { kind: 'split', pair: 'SOL/USDC', side: 'sell', amount: 5000, legs, amountIn: 5000, amountOut: 691_580.2222212, fee: 1383, price: 138.3 },
      });
      await t.send({ op: 'quote', pair: 'SOL/USDC', side: 'sell', amount: '5000' });
      expect(t.replies()).toEqual([
        expect.objectContaining({
          type: 'quote',
          side: 'sell',
          amount: '5000',
          slot: 7,
          best: 'split',
          route: [
            { dex: 'raydium', amount: '3600.500000000', amountOut: '498123.456789' },
            { dex: 'meteora', amount: '1399.500000000', amountOut: '193456.765432' },
          ],
        }),
      ]);
      expect(t.replies()[0]).not.toHaveProperty('reqId');
    });

    it('answers SERVICE_UNAVAILABLE, retryable, before the first slot has arrived', async () => {
      const t = harness();
      t.marketData.notReady();
      await t.send({ op: 'quote', reqId: 'early', pair: 'SOL/USDC', side: 'buy', amount: '1' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'early', code: 'SERVICE_UNAVAILABLE', message: 'market data is not available yet; retry in a moment', retryable: true },
      ]);
      expect(t.marketData.quote).not.toHaveBeenCalled();
    });

    it('answers INSUFFICIENT_LIQUIDITY naming amount for a size no venue can fill, and for a pair with no live pool', async () => {
      const t = harness();
      await t.send({ op: 'quote', reqId: 'huge', pair: 'SOL/USDC', side: 'buy', amount: '900000000' });
      await t.send({ op: 'quote', reqId: 'dead', pair: 'JUP/USDC', side: 'buy', amount: '1' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'huge', code: 'INSUFFICIENT_LIQUIDITY', message: 'no venue can fill 900000000 SOL on SOL/USDC now', field: 'amount', retryable: false },
        { type: 'error', reqId: 'dead', code: 'INSUFFICIENT_LIQUIDITY', message: 'no venue has a live JUP/USDC pool now', retryable: false },
      ]);
    });

    it('refuses an unknown pair with UNKNOWN_PAIR and more decimals than the base token has, as a submit is refused', async () => {
      const t = harness();
      await t.send({ op: 'quote', reqId: 'doge', pair: 'DOGE/USDC', side: 'buy', amount: '1' });
      await t.send({ op: 'quote', reqId: 'fine', pair: 'SOL/USDC', side: 'buy', amount: '1.0000000001' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'doge', code: 'UNKNOWN_PAIR', message: 'pair DOGE/USDC is not traded here', field: 'pair', retryable: false },
        { type: 'error', reqId: 'fine', code: 'INVALID_MESSAGE', message: 'amount: SOL has at most 9 decimals', field: 'amount', retryable: false },
      ]);
      expect(t.marketData.quote).not.toHaveBeenCalled();
    });

    it('does not wait for the submits sent before it', async () => {
      const t = harness();
      const gate = deferred<void>();
      t.deps.submitOrder.mockImplementationOnce(async (message) => {
        await gate.promise;
        return { ok: true, ack: ackOf(message) };
      });
      const submitted = t.send({ ...market, reqId: 'sub' });
      t.marketData.quote.mockReturnValueOnce(routed);
      await t.send({ op: 'quote', reqId: 'q', pair: 'SOL/USDC', side: 'buy', amount: '1.5' });
      expect(t.replies().map((reply) => reply.type)).toEqual(['quote']);
      gate.resolve();
      await submitted;
    });

    it('is refused with RATE_LIMITED past the message budget, like any message', async () => {
      const t = harness({ ...UNLIMITED, message: async () => ({ ok: false, retryAfterMs: 100 }) });
      await t.send({ op: 'quote', reqId: 'q', pair: 'SOL/USDC', side: 'buy', amount: '1' });
      expect(t.replies()).toMatchObject([{ type: 'error', reqId: 'q', code: 'RATE_LIMITED', retryAfterMs: 100 }]);
      expect(t.marketData.quote).not.toHaveBeenCalled();
    });
  });

  describe('ticker', () => {
    const ticker = { op: 'subscribe', channel: 'ticker', pair: 'SOL/USDC' } as const;

    it("confirms a subscribe, then joins the pair's topic: the reply goes out before any tick", async () => {
      const t = harness();
      await t.send({ ...ticker, reqId: 't1' });
      expect(t.replies()).toEqual([{ type: 'subscribed', reqId: 't1', channel: 'ticker', pair: 'SOL/USDC' }]);
      expect(t.wire).toEqual(['send subscribed', 'join ticker:SOL/USDC']);
    });

    it('leaves the topic, then confirms an unsubscribe, so no tick follows the reply; leaving twice is harmless', async () => {
      const t = harness();
      await t.send({ ...ticker });
      await t.send({ op: 'unsubscribe', reqId: 'u1', channel: 'ticker', pair: 'SOL/USDC' });
      await t.send({ op: 'unsubscribe', reqId: 'u2', channel: 'ticker', pair: 'SOL/USDC' });
      expect(t.wire).toEqual(['send subscribed', 'join ticker:SOL/USDC', 'leave ticker:SOL/USDC', 'send unsubscribed', 'leave ticker:SOL/USDC', 'send unsubscribed']);
      expect(t.replies().slice(1)).toEqual([
        { type: 'unsubscribed', reqId: 'u1', channel: 'ticker', pair: 'SOL/USDC' },
        { type: 'unsubscribed', reqId: 'u2', channel: 'ticker', pair: 'SOL/USDC' },
      ]);
    });

    it('follows a traded pair even before it is live (its ticks start when it is)', async () => {
      const t = harness();
      await t.send({ ...ticker, pair: 'JUP/USDC' });
      expect(t.wire).toEqual(['send subscribed', 'join ticker:JUP/USDC']);
    });

    it('refuses a pair not traded here with UNKNOWN_PAIR on pair, joining and leaving nothing', async () => {
      const t = harness();
      await t.send({ ...ticker, reqId: 'doge', pair: 'DOGE/USDC' });
      await t.send({ op: 'unsubscribe', reqId: 'doge2', channel: 'ticker', pair: 'DOGE/USDC' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'doge', code: 'UNKNOWN_PAIR', message: 'pair DOGE/USDC is not traded here', field: 'pair', retryable: false },
        { type: 'error', reqId: 'doge2', code: 'UNKNOWN_PAIR', message: 'pair DOGE/USDC is not traded here', field: 'pair', retryable: false },
      ]);
      expect(t.wire.filter((entry) => !entry.startsWith('send'))).toEqual([]);
    });

    it('refuses an unknown channel with INVALID_MESSAGE on channel, joining nothing', async () => {
      const t = harness();
      await t.send({ ...ticker, reqId: 'c', channel: 'candles' });
      await t.send({ op: 'unsubscribe', reqId: 'c2', channel: 'candles', pair: 'SOL/USDC' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 'c', code: 'INVALID_MESSAGE', message: 'channel: must be "ticker" (or left out, with orderId, to follow an order)', field: 'channel', retryable: false },
        { type: 'error', reqId: 'c2', code: 'INVALID_MESSAGE', message: 'channel: must be "ticker"', field: 'channel', retryable: false },
      ]);
      expect(t.wire.filter((entry) => !entry.startsWith('send'))).toEqual([]);
    });

    it('does not look the ticker up as an order', async () => {
      const t = harness();
      await t.send({ ...ticker });
      expect(t.deps.queries.get).not.toHaveBeenCalled();
      expect(t.feed.size).toBe(0);
    });

    it('neither answers nor joins a topic once the socket has closed', async () => {
      const t = harness();
      t.session.onClose();
      await t.send({ ...ticker });
      await t.send({ op: 'unsubscribe', channel: 'ticker', pair: 'SOL/USDC' });
      expect(t.wire).toEqual([]);
    });
  });

  it('answers pairs with every pair, saying which are live, and ping with the time, echoing the reqId only when one was sent', async () => {
    const t = harness();
    await t.send({ op: 'pairs', reqId: 'p1' });
    await t.send({ op: 'ping', reqId: 'p2' });
    await t.send({ op: 'ping' });
    expect(t.replies()).toEqual([
      { type: 'pairs', reqId: 'p1', pairs: [{ ...PAIRS[0], live: true }, { ...PAIRS[1], live: false }] },
      { type: 'pong', reqId: 'p2', ts: NOW },
      { type: 'pong', ts: NOW },
    ]);
  });

  describe('bad input', () => {
    const bad: Array<[string, unknown, Record<string, unknown>]> = [
      ['not JSON', 'this is not json', { code: 'BAD_JSON', message: ERRORS.BAD_JSON.message }],
      ['not an object', [1, 2, 3], { code: 'INVALID_MESSAGE', message: 'the message must be a JSON object' }],
      ['no op', { reqId: 'r1', limit: 2 }, { reqId: 'r1', code: 'INVALID_MESSAGE', message: 'the message needs an "op" string', field: 'op' }],
      ['an unknown op', { op: 'explode', reqId: 'r2' }, { reqId: 'r2', code: 'UNKNOWN_OP', message: expect.stringContaining('"explode"'), field: 'op' }],
      ['a bad amount', { ...market, reqId: 'r3', amount: '-1' }, { reqId: 'r3', code: 'INVALID_ORDER', message: expect.stringMatching(/^amount: /), field: 'amount' }],
      [
        'an oversized clientOrderId',
        { ...market, reqId: 'r4', clientOrderId: 'c'.repeat(65) },
        { reqId: 'r4', code: 'INVALID_ORDER', message: 'clientOrderId: must be at most 64 characters', field: 'clientOrderId' },
      ],
      [
        'an oversized cursor',
        { op: 'list', reqId: 'r5', before: 'x'.repeat(201) },
        { reqId: 'r5', code: 'INVALID_MESSAGE', message: 'before: is not a cursor from a previous page', field: 'before' },
      ],
      ['an unknown field', { op: 'get', reqId: 'r6', orderld: ORDER_ID }, { reqId: 'r6', code: 'INVALID_MESSAGE', message: expect.stringMatching(/^orderld: unknown field/), field: 'orderld' }],
      // Too long to echo: the reply carries no reqId.
      ['an oversized reqId', { op: 'ping', reqId: 'r'.repeat(65) }, { code: 'INVALID_MESSAGE', message: 'reqId: must be at most 64 characters', field: 'reqId' }],
    ];

    it.each(bad)('answers %s with an error naming the code, message and field, and the socket carries on', async (_name, message, expected) => {
      const t = harness();
      await t.send(message);
      await t.send({ op: 'ping', reqId: 'still-here' });
      expect(t.replies()).toEqual([{ type: 'error', retryable: false, ...expected }, { type: 'pong', reqId: 'still-here', ts: NOW }]);
      expect(t.deps.submitOrder).not.toHaveBeenCalled();
      expect(t.deps.queries.get).not.toHaveBeenCalled();
      expect(t.deps.queries.list).not.toHaveBeenCalled();
    });

    it('answers a binary frame with INVALID_MESSAGE', () => {
      const t = harness();
      t.session.onBinary();
      expect(t.replies()).toEqual([{ type: 'error', code: 'INVALID_MESSAGE', message: 'frames must be UTF-8 text carrying one JSON object', retryable: false }]);
    });
  });

  describe('rate limits', () => {
    const refusing = (retryAfterMs: number, spent: 'message' | 'submit'): Limits => ({
      message: async () => (spent === 'message' ? { ok: false, retryAfterMs } : { ok: true }),
      submit: async () => (spent === 'submit' ? { ok: false, retryAfterMs } : { ok: true }),
      release: () => undefined,
    });

    it('answers RATE_LIMITED with retryAfterMs and the reqId past the message budget, before looking at the request', async () => {
      const t = harness(refusing(250, 'message'));
      await t.send({ op: 'get', reqId: 'g', orderId: ORDER_ID });
      await t.send('{"op":"nope","reqId":"bad"');
      await t.send({ op: 'explode', reqId: 'unknown' });
      const limited = (reqId?: string) => ({
        type: 'error',
        ...(reqId && { reqId }),
        code: 'RATE_LIMITED',
        message: `${ERRORS.RATE_LIMITED.message} (250 ms)`,
        retryable: true,
        retryAfterMs: 250,
      });
      expect(t.replies()).toEqual([limited('g'), limited(), limited('unknown')]);
      expect(t.deps.queries.get).not.toHaveBeenCalled();
    });

    it('answers RATE_LIMITED past the submit budget without submitting, and other requests still pass', async () => {
      const t = harness(refusing(900, 'submit'));
      await t.send({ ...market, reqId: 's' });
      await t.send({ op: 'ping', reqId: 'p' });
      expect(t.replies()).toEqual([
        { type: 'error', reqId: 's', code: 'RATE_LIMITED', message: `${ERRORS.RATE_LIMITED.message} (900 ms)`, retryable: true, retryAfterMs: 900 },
        { type: 'pong', reqId: 'p', ts: NOW },
      ]);
      expect(t.deps.submitOrder).not.toHaveBeenCalled();
    });
  });

  it('refuses submits with SHUTTING_DOWN once shutdown has begun, spending no submit budget, and still answers other requests', async () => {
    const limits = { ...UNLIMITED, submit: vi.fn(UNLIMITED.submit) };
    const t = harness(limits);
    t.stopAccepting();
    await t.send({ ...market, reqId: 'late' });
    await t.send({ op: 'ping', reqId: 'p' });
    expect(t.replies()).toEqual([
      { type: 'error', reqId: 'late', code: 'SHUTTING_DOWN', message: ERRORS.SHUTTING_DOWN.message, retryable: true },
      { type: 'pong', reqId: 'p', ts: NOW },
    ]);
    expect(t.deps.submitOrder).not.toHaveBeenCalled();
    expect(limits.submit).not.toHaveBeenCalled();
  });

  describe('order of processing on one socket', () => {
    it('makes a request wait for the submits sent before it, while ping is answered at once', async () => {
      const t = harness();
      const gate = deferred<void>();
      t.deps.submitOrder.mockImplementationOnce(async (message, _accountId, subscriber) => {
        subscriber.watch(ORDER_ID);
        await gate.promise;
        return { ok: true, ack: ackOf(message) };
      });
      t.deps.queries.get.mockResolvedValue({ order: snapshot('pending', 1), events: [] });
      const handled = [t.send({ ...market, reqId: 'sub' }), t.send({ op: 'get', reqId: 'get', orderId: ORDER_ID }), t.send({ op: 'ping', reqId: 'ping' })];
      await settle();
      expect(t.replies().map((reply) => reply.reqId)).toEqual(['ping']);
      expect(t.deps.queries.get).not.toHaveBeenCalled();
      gate.resolve();
      await Promise.all(handled);
      expect(t.replies().map((reply) => `${reply.type}:${reply.reqId}`)).toEqual(['pong:ping', 'ack:sub', 'order_state:get']);
    });

    it('runs submits concurrently: a later one may be acked first', async () => {
      const t = harness();
      const gates = [deferred<void>(), deferred<void>()];
      let n = 0;
      t.deps.submitOrder.mockImplementation(async (message, _accountId, subscriber) => {
        const gate = gates[n]!;
        const orderId = [ORDER_ID, OTHER_ID][n++]!;
        subscriber.watch(orderId);
        await gate.promise;
        return { ok: true, ack: ackOf(message, orderId) };
      });
      const handled = [t.send({ ...market, reqId: 'first' }), t.send({ ...market, reqId: 'second' })];
      await settle();
      expect(t.deps.submitOrder).toHaveBeenCalledTimes(2);
      gates[1]!.resolve();
      await handled[1];
      gates[0]!.resolve();
      await handled[0];
      expect(t.replies().map((reply) => reply.reqId)).toEqual(['second', 'first']);
    });

    it('still serves a request queued behind a submit that failed', async () => {
      const t = harness();
      const gate = deferred<SubmitResult>();
      t.deps.submitOrder.mockReturnValueOnce(gate.promise);
      const handled = [t.send({ ...market, reqId: 'sub' }), t.send({ op: 'list', reqId: 'list' })];
      await settle();
      gate.reject(new Error('lost'));
      await Promise.all(handled);
      expect(t.replies().map((reply) => `${reply.type}:${reply.reqId}`)).toEqual(['error:sub', 'orders:list']);
    });
  });

  describe('after close', () => {
    it('sends nothing more for the orders it followed, and releases the connection budget', async () => {
      const limits = { ...UNLIMITED, release: vi.fn() };
      const t = harness(limits);
      await t.send({ ...market, reqId: 'sub' });
      t.session.onClose();
      t.feed.deliverUpdate(event(2, 'routing'));
      expect(t.replies().map((reply) => reply.type)).toEqual(['ack']);
      expect(t.feed.size).toBe(0);
      expect(limits.release).toHaveBeenCalledTimes(1);
    });

    it('sends no ack for a submit that finishes after close and leaves no watch behind', async () => {
      const t = harness();
      const gate = deferred<void>();
      t.deps.submitOrder.mockImplementationOnce(async (message, _accountId, subscriber) => {
        await gate.promise;
        subscriber.watch(ORDER_ID);
        return { ok: true, ack: ackOf(message) };
      });
      const handled = t.send({ ...market, reqId: 'sub' });
      await settle();
      t.session.onClose();
      gate.resolve();
      await handled;
      t.feed.deliverUpdate(event(2, 'routing'));
      expect(t.replies()).toEqual([]);
      expect(t.feed.size).toBe(0);
    });

    it('sends no reply to a request that finishes after close', async () => {
      const t = harness();
      const gate = deferred<{ order: OrderSnapshot; events: OrderUpdate[] } | null>();
      t.deps.queries.get.mockReturnValueOnce(gate.promise);
      const handled = t.send({ op: 'get', reqId: 'g', orderId: ORDER_ID });
      await settle();
      t.session.onClose();
      gate.resolve({ order: snapshot('routing', 2), events: [] });
      await handled;
      expect(t.replies()).toEqual([]);
    });
  });

  // The uWS adapter calls onText with `void`: a rejection there would be an unhandled one.
  it('never throws from onText, even when the message budget cannot be checked, and answers INTERNAL_ERROR', async () => {
    const t = harness({ ...UNLIMITED, message: async () => Promise.reject(new Error('limiter down')) });
    await expect(t.send({ op: 'ping', reqId: 'p' })).resolves.toBeUndefined();
    expect(t.replies()).toMatchObject([{ type: 'error', code: 'INTERNAL_ERROR', reqId: 'p' }]);
  });
});
