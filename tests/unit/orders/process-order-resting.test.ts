import { describe, expect, it } from 'vitest';
import { createProcessOrder } from '../../../src/orders/process-order.js';
import { createSubmitOrder } from '../../../src/orders/submit-order.js';
import { first, harness, statuses, unlimitedSlots } from './process-order-harness.js';

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
