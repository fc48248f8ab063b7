import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createOrderTimings } from '../../../src/orders/order-timings.js';
import { observedStore } from '../../../src/orders/observed-store.js';
import { createProcessOrder } from '../../../src/orders/process-order.js';
import { canTransition } from '../../../src/orders/status.js';
import { createSubmitOrder } from '../../../src/orders/submit-order.js';
import type { OrderEvent } from '../../../src/protocol/server-messages.js';
import { TransientSendError, createSimulatedChain, type SendFailure, type SignedTx } from '../../helpers/simulated-chain.js';
import { createMarket } from '../../../src/venues/market.js';
import { PAIRS, findPair } from '../../../src/venues/pairs.js';
import { createMemoryLedger, createMemoryStore, createVirtualClock } from '../../helpers/memory-store.js';

const log = pino({ level: 'silent' });
const unlimitedSlots = { acquire: () => ({ bind: () => undefined, release: () => undefined }) };

function harness(options: { sendFailure?: (tx: SignedTx, attempt: number) => SendFailure; beforeLanding?: (tx: SignedTx, at: number) => void } = {}) {
  const { store, orders, events } = createMemoryStore();
  const { ledger, records } = createMemoryLedger();
  const clock = createVirtualClock();
  const market = createMarket({ seed: 'unit', startMs: clock.now() });
  let fills = 0;
  let sends = 0;
  const chain = createSimulatedChain({
    ledger,
    fill: (tx, at) => {
      fills += 1;
      options.beforeLanding?.(tx, at);
      return market.fillRoute(tx.pair, tx.side, tx.legs, tx.limit, at);
    },
    landingDelayMs: () => 1_500,
    sendFailure: (tx, attempt) => {
      sends += 1;
      return options.sendFailure?.(tx, attempt) ?? null;
    },
  });
  let counter = 0;
  const ids = {
    orderId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    signature: () => `Sig${++counter}`,
  };
  const published: OrderEvent[] = [];
  const deps = {
    store,
    events: { publish: async (event: OrderEvent) => void published.push(event) },
    chain,
    route: async (pair: string, side: 'buy' | 'sell', amount: number) => market.route(pair, side, amount, clock.now()),
    clock,
    ids,
    findPair,
    market: {
      route: (pair: string, side: 'buy' | 'sell', amount: number) => {
        const decision = market.route(pair, side, amount, clock.now());
        return decision && { slot: 1, route: decision.route };
      },
      reference: (pair: string) => market.referencePrice(pair, clock.now()),
      slot: () => 1,
    },
    log,
  };
  const quoteToken = (symbol: string) => PAIRS.find((pair) => pair.quote.symbol === symbol)?.quote;
  const submit = createSubmitOrder({ store, queue: { enqueue: async () => undefined, queuedAmong: async (ids) => new Set(ids) }, clock, ids, findPair, quoteToken, log, openOrders: unlimitedSlots });
  /** A stored, acked order; `deadlineMs: null` stands for one placed before deadlines existed (no deadline). */
  async function newOrder(amount = '2', side: 'buy' | 'sell' = 'buy', deadlineMs: number | null = 10_000) {
    const result = await submit({ op: 'submit', type: 'market', side, pair: 'SOL/USDC', amount, slippageBps: 100, deadlineMs: deadlineMs ?? 10_000 }, 'account', { watch: () => undefined, unwatch: () => undefined });
    if (!result.ok || !('ack' in result)) throw new Error('not accepted');
    const orderId = result.ack.orderId;
    if (deadlineMs === null) orders.set(orderId, { ...orders.get(orderId)!, deadlineMs: null });
    return orderId;
  }
  return { deps, store, orders, events, records, clock, market, published, newOrder, process: createProcessOrder(deps), counts: () => ({ fills, sends }) };
}

/** The harness's store, recording the statuses each status write carries (a passed-through one first). */
function recordingWrites(h: ReturnType<typeof harness>) {
  const writes: string[][] = [];
  const store: typeof h.store = {
    ...h.store,
    transition: async (...args) => {
      writes.push([...(args[4]?.via ? [args[4].via.status] : []), args[3].status]);
      return h.store.transition(...args);
    },
  };
  return { store, writes };
}

const first = { number: 1, max: 3 };
const statuses = (h: ReturnType<typeof harness>, id: string) => h.events.get(id)!.map((e) => e.status);

describe('market order deadlines', () => {
  it('expires an order taken up after its deadline with DEADLINE_EXCEEDED, without routing or sending anything', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', 500);
    h.clock.advance(501); // it waited in the queue longer than its deadline
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'expired', failureCode: 'DEADLINE_EXCEEDED' });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'expired']);
    expect(h.published.at(-1)).toMatchObject({ status: 'expired', error: { code: 'DEADLINE_EXCEEDED' } });
    expect(h.counts()).toEqual({ fills: 0, sends: 0 });
    expect(h.records.size).toBe(0);
  });

  it('expires an order whose deadline passes while it is routed, before its transaction is ever sent', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', 1_000);
    // Routing takes longer than the deadline (a slow quote): the signed transaction is never sent.
    h.deps.route = ((route) => async (...args: Parameters<typeof route>) => {
      h.clock.advance(1_500);
      return route(...args);
    })(h.deps.route);
    const order = await createProcessOrder(h.deps)(id, first);
    expect(order.status).toBe('expired');
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'expired']);
    expect(h.counts().sends).toBe(0);
    expect(h.records.size).toBe(0);
  });

  it('executes an order in time as before', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', 100);
    expect((await h.process(id, first)).status).toBe('confirmed');
  });
});

describe('processOrder', () => {
  it('takes an order through routing, building, submitted to confirmed, publishing each stored event in seq order', async () => {
    const h = harness();
    const id = await h.newOrder();
    const order = await h.process(id, first);
    expect(order.status).toBe('confirmed');
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    expect(h.published).toEqual(h.events.get(id)!.slice(1));
    expect(h.published.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    const stored = h.events.get(id)!;
    for (let i = 1; i < stored.length; i += 1) expect(canTransition(stored[i - 1]!.status, stored[i]!.status)).toBe(true);
    expect(h.counts().fills).toBe(1);
    expect(order.executedPrice).toMatch(/^\d+\.\d+$/);
  });

  it('writes a market order three times: routing and building together, then submitted, then confirmed', async () => {
    const h = harness();
    const id = await h.newOrder();
    const { store, writes } = recordingWrites(h);
    const counting = createProcessOrder({ ...h.deps, store });
    expect((await counting(id, { number: 2, max: 3 })).status).toBe('confirmed');
    expect(writes).toEqual([['routing', 'building'], ['submitted'], ['confirmed']]);
    expect(h.orders.get(id)!.attempts).toBe(2); // recorded by the first write
    expect(h.published.map((e) => [e.seq, e.status])).toEqual([[2, 'routing'], [3, 'building'], [4, 'submitted'], [5, 'confirmed']]);
  });

  it('shows an order routing on its own while slow quotes are out, then writes its route', async () => {
    const h = harness();
    const id = await h.newOrder();
    const { store, writes } = recordingWrites(h);
    const slow = createProcessOrder({
      ...h.deps,
      // The quotes come back after a real timer: well after the short wait for quick ones.
      route: (pair, side, amount) => new Promise((resolve) => setTimeout(resolve, 5)).then(() => h.deps.route(pair, side, amount)),
      store,
    });
    expect((await slow(id, first)).status).toBe('confirmed');
    expect(writes).toEqual([['routing'], ['building'], ['submitted'], ['confirmed']]);
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    expect(h.orders.get(id)!.attempts).toBe(1);
  });

  it('leaves an order cancelled between its take-up read and its first write alone: no route, no send', async () => {
    const h = harness();
    const id = await h.newOrder();
    const racing = createProcessOrder({
      ...h.deps,
      store: {
        ...h.store,
        // The client's cancel lands right after the worker read the order (its first write carries routing).
        startAttempt: async (...args) => {
          const order = await h.store.startAttempt(...args);
          await h.store.cancel(id, { type: 'order', orderId: id, status: 'cancelled', reason: 'by the client', ts: h.clock.now() });
          return order;
        },
      },
    });
    expect((await racing(id, first)).status).toBe('cancelled');
    expect(statuses(h, id)).toEqual(['pending', 'cancelled']);
    expect(h.counts()).toEqual({ fills: 0, sends: 0 });
    expect(h.orders.get(id)!.txHash).toBeNull();
  });

  it('writes the routing event with the end of a pending order that cannot be routed', async () => {
    const h = harness();
    const id = await h.newOrder('100000000');
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'failed', failureCode: 'INSUFFICIENT_LIQUIDITY', attempts: 1 });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'failed']);
  });

  it('does nothing when a finished order is delivered again', async () => {
    const h = harness();
    const id = await h.newOrder();
    await h.process(id, first);
    const before = h.events.get(id)!.length;
    await h.process(id, { number: 1, max: 3 });
    expect(h.events.get(id)!.length).toBe(before);
    expect(h.counts()).toEqual({ fills: 1, sends: 1 });
  });

  it('re-sends the saved signature, not a new transaction, after a crash between signing and sending', async () => {
    const h = harness();
    const id = await h.newOrder();
    const crashing = createProcessOrder({
      ...h.deps,
      store: {
        ...h.store,
        // Dies right after the route and its signed transaction are saved, before anything is sent.
        transition: async (...args) => {
          const result = await h.store.transition(...args);
          if (args[3].status === 'building') throw new Error('worker killed');
          return result;
        },
      },
    });
    await expect(crashing(id, first)).rejects.toThrow('worker killed');
    const signed = h.orders.get(id)!.txHash;
    expect(signed).not.toBeNull();
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'confirmed', txHash: signed });
    expect([...h.records.keys()]).toEqual([signed]);
    expect(h.counts().fills).toBe(1);
  });

  it('finds a transaction that was sent just before a crash and confirms it without sending another', async () => {
    const h = harness();
    const id = await h.newOrder();
    const crashing = createProcessOrder({
      ...h.deps,
      chain: {
        ...h.deps.chain,
        send: async (...args) => {
          await h.deps.chain.send(...args);
          throw new Error('worker killed');
        },
      },
    });
    await expect(crashing(id, first)).rejects.toThrow('worker killed');
    expect(h.orders.get(id)!.status).toBe('building');
    const order = await h.process(id, first);
    expect(order.status).toBe('confirmed');
    expect(h.records.size).toBe(1);
    expect(h.counts()).toEqual({ fills: 1, sends: 1 });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
  });

  it('builds a new transaction when the unsent one has an expired blockhash', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', null); // a blockhash outlives any deadline: only an order without one gets here
    const crashing = createProcessOrder({
      ...h.deps,
      chain: { ...h.deps.chain, send: async () => Promise.reject(new Error('worker killed')) },
    });
    await expect(crashing(id, first)).rejects.toThrow('worker killed');
    const stale = h.orders.get(id)!.txHash;
    h.clock.advance(2 * 60_000); // far past 150 blocks of 400 ms
    const order = await h.process(id, first);
    expect(order.status).toBe('confirmed');
    expect(order.txHash).not.toBe(stale);
    expect([...h.records.keys()]).toEqual([order.txHash]);
  });

  it('executes once when two deliveries of the same job run at the same time', async () => {
    const h = harness();
    const id = await h.newOrder();
    const [a, b] = await Promise.all([h.process(id, first), h.process(id, first)]);
    expect(a.status).toBe('confirmed');
    expect(b.status).toBe('confirmed');
    expect(h.records.size).toBe(1);
    expect(h.counts().fills).toBe(1);
    const seqs = h.events.get(id)!.map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('throws a transient failure for the queue to retry while attempts remain', async () => {
    const h = harness({ sendFailure: () => 'refused' });
    const id = await h.newOrder();
    await expect(h.process(id, first)).rejects.toBeInstanceOf(TransientSendError);
    expect(h.orders.get(id)!.status).toBe('building');
  });

  it('on the last attempt, confirms a timed-out send that reached the chain instead of reporting failure', async () => {
    const h = harness({ sendFailure: () => 'timeout' });
    const id = await h.newOrder();
    const order = await h.process(id, { number: 3, max: 3 });
    expect(order.status).toBe('confirmed');
    expect(h.records.size).toBe(1);
  });

  it('on the last attempt, fails with EXECUTION_FAILED when the chain never got the transaction', async () => {
    const h = harness({ sendFailure: () => 'refused' });
    const id = await h.newOrder();
    const order = await h.process(id, { number: 3, max: 3 });
    expect(order).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED', attempts: 3 });
    expect(h.records.size).toBe(0);
    expect(h.published.at(-1)).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'EXECUTION_FAILED' } });
  });

  it('fails with INSUFFICIENT_LIQUIDITY when no venue can fill the size', async () => {
    const h = harness();
    const id = await h.newOrder('100000000');
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'failed', failureCode: 'INSUFFICIENT_LIQUIDITY' });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'failed']);
    expect(h.counts().sends).toBe(0);
  });

  it('fails with SLIPPAGE_EXCEEDED when a bigger buy lands just before it, and its swap leaves the pool as it was', async () => {
    let midAfterWhale = 0;
    let landedAt = 0;
    const h = harness({
      beforeLanding: (tx, at) => {
        const dex = tx.legs[0]!.dex;
        h.market.fill(dex, tx.pair, 'buy', 5_000, { side: 'buy', maxAmountIn: Number.MAX_VALUE }, at);
        midAfterWhale = h.market.midPrice(tx.pair, dex, at);
        landedAt = at;
      },
    });
    const id = await h.newOrder('2', 'buy');
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'failed', failureCode: 'SLIPPAGE_EXCEEDED' });
    expect(order.failureReason).toMatch(/above the limit/);
    expect(h.market.midPrice('SOL/USDC', order.dex as 'raydium' | 'meteora', landedAt)).toBe(midAfterWhale);
  });

  describe('when the chain loses a submitted transaction', () => {
    async function submittedThenLost(h: ReturnType<typeof harness>, id: string) {
      const crashing = createProcessOrder({
        ...h.deps,
        events: {
          publish: async (event) => {
            if (event.status === 'submitted') throw new Error('worker killed');
            h.published.push(event);
          },
        },
      });
      await expect(crashing(id, first)).rejects.toThrow('worker killed');
      expect(h.orders.get(id)!.status).toBe('submitted');
      h.records.clear();
    }

    it('sends the same transaction again while its blockhash is valid', async () => {
      const h = harness();
      const id = await h.newOrder();
      await submittedThenLost(h, id);
      const txHash = h.orders.get(id)!.txHash;
      const order = await h.process(id, first);
      expect(order).toMatchObject({ status: 'confirmed', txHash });
      expect([...h.records.keys()]).toEqual([txHash]);
    });

    it('fails with EXECUTION_FAILED once the blockhash has expired, without spinning', async () => {
      const h = harness();
      const id = await h.newOrder();
      await submittedThenLost(h, id);
      h.clock.advance(2 * 60_000);
      const sendsBefore = h.counts().sends;
      const order = await h.process(id, first);
      expect(order).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED' });
      expect(order.failureReason).toMatch(/expired without landing/);
      expect(h.counts().sends).toBe(sendsBefore);
    });

    it('on the last attempt, waits out the blockhash before reporting a re-send that failed', async () => {
      let failNext = false;
      const h = harness({ sendFailure: () => (failNext ? 'refused' : null) });
      const id = await h.newOrder();
      await submittedThenLost(h, id);
      failNext = true;
      const started = h.clock.now();
      const order = await h.process(id, { number: 3, max: 3 });
      expect(order).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED' });
      expect(h.clock.now() - started).toBeGreaterThan(50_000); // 150 blocks of 400 ms
    });
  });

  it('signs anew, instead of retrying forever, when its blockhash expired before the first send', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', null); // a blockhash outlives any deadline: only an order without one gets here
    let sends = 0;
    const slow = createProcessOrder({
      ...h.deps,
      // The route's write takes longer than a blockhash lives (a stalled database).
      store: {
        ...h.store,
        transition: async (...args) => {
          const result = await h.store.transition(...args);
          if (args[3].status === 'building') h.clock.advance(61_000);
          return result;
        },
      },
      chain: {
        ...h.deps.chain,
        send: async (...args) => {
          if (++sends > 10) throw new Error('sending the same expired transaction in a loop');
          return h.deps.chain.send(...args);
        },
      },
    });
    const first = (await h.store.get(id))!;
    expect(first.txHash).toBeNull();
    const order = await slow(id, { number: 1, max: 3 });
    expect(order.status).toBe('confirmed');
    expect(sends).toBeLessThanOrEqual(3);
    expect([...h.records.keys()]).toEqual([order.txHash]);
  });
});

describe('resting orders under virtual time', () => {
  const watcher = { watch: () => undefined, unwatch: () => undefined };
  /** The best effective price for `amount` SOL now, fees included. */
  const priceNow = (h: ReturnType<typeof harness>, side: 'buy' | 'sell', amount = 1) => {
    const route = h.market.route('SOL/USDC', side, amount, h.clock.now())!.route;
    return side === 'buy' ? route.amountIn / route.amountOut : route.amountOut / route.amountIn;
  };
  async function place(h: ReturnType<typeof harness>, terms: Record<string, unknown>) {
    const message = { op: 'submit', side: 'buy', pair: 'SOL/USDC', amount: '1', deadlineMs: 10_000, ...terms } as Parameters<ReturnType<typeof createSubmitOrder>>[0];
    const result = await createSubmitOrder({ ...h.deps, queue: { enqueue: async () => undefined, queuedAmong: async (ids) => new Set(ids) }, quoteToken: () => undefined, openOrders: unlimitedSlots })(message, 'account', watcher);
    if (!result.ok || !('ack' in result)) throw new Error(`not accepted: ${JSON.stringify(result)}`);
    return result.ack.orderId;
  }

  it('rests a GTC limit the market does not reach, with its terms and quote, and fills it on a trigger at its seq, never worse than the limit', async () => {
    // A seller keeps the price down until the swap lands (arbitrage would otherwise pull it back within the landing's ticks).
    let selling = false;
    const h = harness({
      beforeLanding: (_tx, at) => {
        if (!selling) return;
        h.market.fill('raydium', 'SOL/USDC', 'sell', 8_000, { side: 'sell', minAmountOut: 0 }, at);
        h.market.fill('meteora', 'SOL/USDC', 'sell', 2_000, { side: 'sell', minAmountOut: 0 }, at);
      },
    });
    const limitPrice = priceNow(h, 'buy') * 0.995;
    const id = await place(h, { type: 'limit', limitPrice: limitPrice.toFixed(6), timeInForce: 'GTC' });
    expect((await h.process(id, first)).status).toBe('open');
    expect(statuses(h, id)).toEqual(['pending', 'open']);
    expect(h.published.at(-1)).toMatchObject({ status: 'open', orderType: 'limit', timeInForce: 'GTC', reason: 'placed', quote: { dex: expect.any(String) } });
    expect(h.counts().sends).toBe(0);

    // A trigger taken at an older seq does nothing.
    expect((await h.process(id, first, { seq: 1, triggeredAt: h.clock.now(), price: limitPrice })).status).toBe('open');
    // The market falls through the limit; the trigger at the seq it saw runs it.
    selling = true;
    h.market.fill('raydium', 'SOL/USDC', 'sell', 8_000, { side: 'sell', minAmountOut: 0 }, h.clock.now());
    h.market.fill('meteora', 'SOL/USDC', 'sell', 2_000, { side: 'sell', minAmountOut: 0 }, h.clock.now());
    const done = await h.process(id, first, { seq: 2, triggeredAt: h.clock.now(), price: limitPrice * 0.99 });
    expect(done.status).toBe('confirmed');
    expect(Number(done.executedPrice)).toBeLessThanOrEqual(limitPrice);
    expect(statuses(h, id)).toEqual(['pending', 'open', 'routing', 'building', 'submitted', 'confirmed']);
    expect(h.events.get(id)![2]).toMatchObject({ status: 'routing', triggeredAt: expect.any(Number), price: expect.any(String) });
    // Bounded by the limit itself, not by slippage from the quote.
    expect(h.events.get(id)![3]).toMatchObject({ limit: { maxAmountIn: limitPrice.toFixed(6).replace(/0+$/, '') } });
  });

  it('fills a limit that crosses on arrival without resting, and expires an IOC that does not, never sending it', async () => {
    const h = harness();
    const marketable = await place(h, { type: 'limit', limitPrice: (priceNow(h, 'buy') * 1.01).toFixed(6), timeInForce: 'GTC' });
    expect((await h.process(marketable, first)).status).toBe('confirmed');
    expect(statuses(h, marketable)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    const sends = h.counts().sends;
    const ioc = await place(h, { type: 'limit', side: 'sell', limitPrice: (priceNow(h, 'sell') * 1.01).toFixed(6), timeInForce: 'IOC' });
    expect(await h.process(ioc, first)).toMatchObject({ status: 'expired', failureCode: 'LIMIT_NOT_REACHED' });
    expect(statuses(h, ioc)).toEqual(['pending', 'expired']);
    expect(h.counts().sends).toBe(sends);
  });

  it('rests a GTC limit again when its swap reverts because the market moved before landing; an IOC expires instead', async () => {
    // A whale buys on both pools just before each swap lands.
    const h = harness({
      beforeLanding: (_tx, at) => {
        for (const dex of ['raydium', 'meteora'] as const) h.market.fill(dex, 'SOL/USDC', 'buy', dex === 'raydium' ? 8_000 : 2_000, { side: 'buy', maxAmountIn: Number.MAX_VALUE }, at);
      },
    });
    const gtc = await place(h, { type: 'limit', limitPrice: (priceNow(h, 'buy') * 1.002).toFixed(6) });
    const rested = await h.process(gtc, first);
    expect(rested).toMatchObject({ status: 'open', txHash: null, dex: null, limitAmount: null });
    expect(statuses(h, gtc)).toEqual(['pending', 'routing', 'building', 'submitted', 'open']);
    expect(h.published.at(-1)).toMatchObject({ status: 'open', reason: 'reopened', message: expect.stringContaining('reverted') });

    const ioc = await place(h, { type: 'limit', limitPrice: (priceNow(h, 'buy') * 1.002).toFixed(6), timeInForce: 'IOC' });
    expect(await h.process(ioc, first)).toMatchObject({ status: 'expired', failureCode: 'LIMIT_NOT_REACHED' });
  });

  it('counts a triggered order\'s deadline from its trigger: a late limit rests again, a late stop expires', async () => {
    const h = harness();
    const slow = h.deps.route;
    const limit = await place(h, { type: 'limit', limitPrice: '1', deadlineMs: 1_000 });
    const stop = await place(h, { type: 'stop', side: 'sell', triggerPrice: '1000', trigger: 'below', slippageBps: 100, timeInForce: 'GTC', deadlineMs: 1_000 });
    for (const id of [limit, stop]) expect((await h.process(id, first)).status).toBe('open');
    // The market comes to the limit (its terms set as the store would have them): routing passes, only the deadline fails.
    h.orders.set(limit, { ...h.orders.get(limit)!, limitPrice: '1000' });
    h.clock.advance(60_000); // long after the ack: the deadline counts from the trigger, not from then
    h.deps.route = async (...args) => {
      h.clock.advance(1_500); // routing takes longer than the deadline
      return slow(...args);
    };
    const process = createProcessOrder(h.deps);
    const lateLimit = await process(limit, first, { seq: 2, triggeredAt: h.clock.now(), price: 0.5 });
    expect(lateLimit.status).toBe('open');
    expect(h.events.get(limit)!.at(-1)).toMatchObject({ status: 'open', reason: 'reopened', message: expect.stringContaining('deadline') });
    const lateStop = await process(stop, first, { seq: 2, triggeredAt: h.clock.now(), price: 140 });
    expect(lateStop).toMatchObject({ status: 'expired', failureCode: 'DEADLINE_EXCEEDED' });
  });

  it('expires a GTD order whose expireAt has come before it could rest', async () => {
    const h = harness();
    const id = await place(h, { type: 'limit', limitPrice: '1', timeInForce: 'GTD', expireAt: h.clock.now() + 100 });
    h.clock.advance(200);
    expect(await h.process(id, first)).toMatchObject({ status: 'expired', failureCode: 'EXPIRED' });
  });
});

describe('timings of what the store commits (the metrics)', () => {
  function timed(h: ReturnType<typeof harness>) {
    const recorded = { steps: [] as Array<[string, number]>, finished: [] as Array<[string, string, number, string | undefined]>, slippage: [] as Array<[string, number]> };
    const timings = createOrderTimings({
      step: (step, seconds) => recorded.steps.push([step, seconds]),
      finished: (status, _type, dex, seconds, code) => recorded.finished.push([status, dex, seconds, code]),
      slippage: (dex, bps) => recorded.slippage.push([dex, bps]),
    });
    return { recorded, timings, process: createProcessOrder({ ...h.deps, store: observedStore(h.deps.store, timings.moved) }) };
  }

  it('times each step of a confirmed order, its time from ack to end, and its fill against the quote it was routed on', async () => {
    const h = harness();
    const { recorded, timings, process } = timed(h);
    const id = await h.newOrder('2');
    h.clock.advance(300); // queued
    const order = await process(id, first);
    expect(order.status).toBe('confirmed');
    expect(recorded.steps.map(([step]) => step)).toEqual(['pending', 'routing', 'building', 'submitted']);
    expect(recorded.steps[0]![1]).toBeCloseTo(0.3, 3);
    // The landing takes 1.5 s of the virtual clock, and a slot more to be seen.
    expect(recorded.steps[3]![1]).toBeGreaterThanOrEqual(1.5);
    const [status, dex, seconds, code] = recorded.finished[0]!;
    expect([status, dex, code]).toEqual(['confirmed', order.dex, undefined]);
    expect(seconds).toBeCloseTo((h.published.at(-1)!.ts - order.createdAt) / 1000, 3);
    expect(recorded.slippage).toHaveLength(1);
    expect(recorded.slippage[0]![0]).toBe(order.dex);
    expect(Number.isFinite(recorded.slippage[0]![1])).toBe(true);
    expect(timings.following).toBe(0); // nothing is kept once the order ended
  });

  it('counts an order that expired in the queue as ended, with no venue and its error code', async () => {
    const h = harness();
    const { recorded, process } = timed(h);
    const id = await h.newOrder('2', 'buy', 500);
    h.clock.advance(501);
    expect((await process(id, first)).status).toBe('expired');
    expect(recorded.finished).toEqual([['expired', 'none', expect.closeTo(0.501, 3), 'DEADLINE_EXCEEDED']]);
    expect(recorded.slippage).toEqual([]);
  });
});
