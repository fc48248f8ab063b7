import { describe, expect, it } from 'vitest';
import { REWEIGH_SLOTS, createTriggerBook, type RestingOrder, type SlotMarket } from '../../../src/orders/trigger-book.js';
import type { Route, Side } from '../../../src/venues/types.js';

/** A flat market: every size fills at mid ± fee (fee 30 bps), up to `depth` BASE. */
function flatMarket(mid: number, options: { reference?: number; depth?: number; pairs?: string[] } = {}): SlotMarket & { routed: number } {
  const { reference = mid, depth = 1_000, pairs = ['SOL/USDC'] } = options;
  const market = {
    routed: 0,
    route(pair: string, side: Side, amount: number): Route | null {
      market.routed += 1;
      if (!pairs.includes(pair) || amount > depth) return null;
      const price = side === 'buy' ? mid * 1.003 : mid * 0.997;
      const quote = amount * price;
      return (side === 'buy'
        ? { kind: 'raydium', side, amountIn: quote, amountOut: amount, legs: [] }
        : { kind: 'raydium', side, amountIn: amount, amountOut: quote, legs: [] }) as unknown as Route;
    },
    reference: (pair: string) => (pairs.includes(pair) ? reference : null),
    unit: () => 1e-6,
  };
  return market;
}

let n = 0;
function order(terms: Partial<RestingOrder> & Pick<RestingOrder, 'type' | 'side'>): RestingOrder {
  n += 1;
  return { orderId: `o${n}`, seq: 2, pair: 'SOL/USDC', amount: 1, limitPrice: null, triggerPrice: null, trigger: null, expireAt: null, ...terms };
}

describe('the trigger book', () => {
  it('triggers a buy limit once the effective price, fee included, is at or under the limit', () => {
    const book = createTriggerBook();
    const buy = order({ type: 'limit', side: 'buy', limitPrice: 100 });
    book.rest(buy);
    // Mid 99.8: the fee (30 bps) puts the fill at 100.0994, above the limit.
    expect(book.evaluate(flatMarket(99.8), 1).triggers).toEqual([]);
    expect(book.has(buy.orderId)).toBe(true);
    const { triggers } = book.evaluate(flatMarket(99.6), 2);
    expect(triggers).toEqual([{ orderId: buy.orderId, seq: 2, triggeredAt: 2, price: 99.6 * 1.003 }]);
    // In flight: it left the book, so the next slot does not trigger it again.
    expect(book.has(buy.orderId)).toBe(false);
    expect(book.evaluate(flatMarket(99), 3).triggers).toEqual([]);
  });

  it('triggers a sell limit once the price received, fee taken, is at or above the limit', () => {
    const book = createTriggerBook();
    const sell = order({ type: 'limit', side: 'sell', limitPrice: 100 });
    book.rest(sell);
    expect(book.evaluate(flatMarket(100.2), 1).triggers).toEqual([]);
    expect(book.evaluate(flatMarket(100.4), 2).triggers.map((t) => t.orderId)).toEqual([sell.orderId]);
  });

  it('routes only the limits at or past the best price a small size gets, however many rest behind them', () => {
    const book = createTriggerBook();
    for (let i = 0; i < 1_000; i++) book.rest(order({ type: 'limit', side: 'buy', limitPrice: 50 + i * 0.01 }));
    const market = flatMarket(100);
    const decision = book.evaluate(market, 1);
    expect(decision.weighed).toBe(0);
    expect(market.routed).toBe(2); // the edge's probe, one a side

    // The market falls to 59.7 (59.879 with the fee): only the dozen buys priced at that or more are weighed.
    const lower = flatMarket(59.7);
    const next = book.evaluate(lower, 2);
    expect(next.weighed).toBe(12);
    expect(next.triggers).toHaveLength(12);
    expect(lower.routed).toBe(next.weighed + 2);
  });

  it('leaves a limit too large for the pools resting, and weighs it again only once the edge improves or some slots have passed', () => {
    const book = createTriggerBook();
    book.rest(order({ type: 'limit', side: 'buy', limitPrice: 200, amount: 5_000 }));
    const shallow = flatMarket(100, { depth: 1_000 });
    expect(book.evaluate(shallow, 1)).toMatchObject({ triggers: [], weighed: 1 });
    expect(book.size).toBe(1);
    // The same market next slot: not weighed again at once.
    expect(book.evaluate(shallow, 2).weighed).toBe(0);
    // Not before REWEIGH_SLOTS have passed, and again by twice that.
    let weighed = 0;
    for (let slot = 3; slot < 1 + REWEIGH_SLOTS; slot++) weighed += book.evaluate(shallow, slot).weighed;
    expect(weighed).toBe(0);
    for (let slot = 1 + REWEIGH_SLOTS; slot <= 1 + 2 * REWEIGH_SLOTS; slot++) weighed += book.evaluate(shallow, slot).weighed;
    expect(weighed).toBe(1);
    // Deep pools at a better edge fill it.
    expect(book.evaluate(flatMarket(99, { depth: 10_000 }), 20).triggers).toHaveLength(1);
  });

  it('triggers a stop below when the reference falls to it, and a stop above when it rises to it, at the reference', () => {
    const book = createTriggerBook();
    const stopLoss = order({ type: 'stop', side: 'sell', triggerPrice: 90, trigger: 'below' });
    const takeProfit = order({ type: 'stop', side: 'sell', triggerPrice: 110, trigger: 'above' });
    book.rest(stopLoss);
    book.rest(takeProfit);
    expect(book.evaluate(flatMarket(100), 1).triggers).toEqual([]);
    expect(book.evaluate(flatMarket(100, { reference: 90.5 }), 2).triggers).toEqual([]);
    expect(book.evaluate(flatMarket(100, { reference: 90 }), 3).triggers).toEqual([{ orderId: stopLoss.orderId, seq: 2, triggeredAt: 3, price: 90 }]);
    expect(book.evaluate(flatMarket(100, { reference: 111 }), 4).triggers.map((t) => t.orderId)).toEqual([takeProfit.orderId]);
  });

  it('holds a sniper until its pair has a pool, then buys if the spend fills at or under its maxPrice', () => {
    const book = createTriggerBook();
    const greedy = order({ type: 'sniper', side: 'buy', pair: 'NEW/USDC', amount: 100, limitPrice: 0.02 });
    const patient = order({ type: 'sniper', side: 'buy', pair: 'NEW/USDC', amount: 100, limitPrice: 0.03 });
    book.rest(greedy);
    book.rest(patient);
    expect(book.evaluate(flatMarket(100), 1).triggers).toEqual([]);
    // Launched at mid 0.0205: with the fee a fill costs 0.02056, above the greedy sniper's 0.02.
    const launched = flatMarket(0.0205, { pairs: ['SOL/USDC', 'NEW/USDC'], depth: 1e9 });
    const { triggers } = book.evaluate(launched, 2);
    expect(triggers.map((t) => t.orderId)).toEqual([patient.orderId]);
    expect(triggers[0]!.price).toBeCloseTo(0.0205 * 1.003, 8);
    expect(book.has(greedy.orderId)).toBe(true);
  });

  it('never triggers an order whose expireAt has come, even before the expiry pass ends it', () => {
    const book = createTriggerBook();
    const gtd = order({ type: 'limit', side: 'buy', limitPrice: 200, expireAt: 1_000 });
    book.rest(gtd);
    expect(book.evaluate(flatMarket(100), 1_000).triggers).toEqual([]);
    expect(book.expireDue(1_000).map((o) => o.orderId)).toEqual([gtd.orderId]);
  });

  it('keeps an order that triggered out when it is loaded again at the same seq, and lets it back at a later one', () => {
    const book = createTriggerBook();
    const buy = order({ type: 'limit', side: 'buy', limitPrice: 200 });
    book.rest(buy);
    expect(book.evaluate(flatMarket(100), 1).triggers).toHaveLength(1);
    book.rest(buy); // a resync reads it while the trigger is still in the queue
    expect(book.has(buy.orderId)).toBe(false);
    book.rest({ ...buy, seq: 6, limitPrice: 50 }); // it rested again after the trigger
    expect(book.has(buy.orderId)).toBe(true);
  });

  it('ignores an older event that would take out a newer resting order', () => {
    const book = createTriggerBook();
    const buy = order({ type: 'limit', side: 'buy', limitPrice: 50, seq: 7 });
    book.rest(buy);
    expect(book.drop(buy.orderId, 6)).toBe(false); // a late `routing` of seq 6
    expect(book.has(buy.orderId)).toBe(true);
    expect(book.drop(buy.orderId, 8)).toBe(true);
    book.rest({ ...buy, seq: 7 }); // the open event of seq 7 again, late: it stays out
    expect(book.has(buy.orderId)).toBe(false);
  });

  it('expires what is due by the clock, earliest first, and leaves the rest', () => {
    const book = createTriggerBook();
    const late = order({ type: 'limit', side: 'buy', limitPrice: 1, expireAt: 2_000 });
    const early = order({ type: 'limit', side: 'buy', limitPrice: 1, expireAt: 1_000 });
    const never = order({ type: 'limit', side: 'buy', limitPrice: 1 });
    for (const o of [late, early, never]) book.rest(o);
    expect(book.expireDue(999)).toEqual([]);
    expect(book.expireDue(2_000).map((o) => o.orderId)).toEqual([early.orderId, late.orderId]);
    expect(book.ids()).toEqual([never.orderId]);
  });

  it('moves an amended order to its new terms, and ignores an older event arriving late', () => {
    const book = createTriggerBook();
    const first = order({ type: 'limit', side: 'buy', limitPrice: 50 });
    book.rest(first);
    book.rest({ ...first, seq: 3, limitPrice: 99.9 });
    book.rest({ ...first, seq: 2, limitPrice: 50 }); // the first open event, late
    expect(book.evaluate(flatMarket(99.5), 1).triggers).toEqual([expect.objectContaining({ orderId: first.orderId, seq: 3 })]);
  });
});
