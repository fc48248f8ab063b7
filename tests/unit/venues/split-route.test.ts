import { describe, expect, it } from 'vitest';
import { createMarket } from '../../../src/venues/market.js';
import { cpmmMidPrice, createCpmmPool, quoteCpmm } from '../../../src/venues/raydium-cpmm.js';
import { chooseRoute } from '../../../src/venues/router.js';
import { buildRoute, DEFAULT_LEG_COST, findSplit, routeTotals, type QuoteAt } from '../../../src/venues/split-route.js';
import type { Dex, Quote, Route, Side } from '../../../src/venues/types.js';

const T0 = 1_700_000_000_000;
const SOL = 'SOL/USDC';
const sides = ['buy', 'sell'] as const;

/** The start-of-day SOL/USDC pools (the PAIRS spec), quoted at T0. */
function solAtStart(side: Side) {
  const market = createMarket({ seed: 1, startMs: T0 });
  const quoteAt: QuoteAt = (dex, amount) => market.quote(dex, SOL, side, amount, T0);
  const route = (amount: number) => chooseRoute(market.quotes(SOL, side, amount, T0), side, { quoteAt })!;
  return { market, quoteAt, route };
}

/** What the legs alone cost a buy (QUOTE in) or pay a sell (QUOTE out), without the second leg's cost. */
const legsTotal = (route: Route) => route.legs.reduce((sum, leg) => sum + (route.side === 'buy' ? leg.quote.amountIn : leg.quote.amountOut), 0);
/** Better for the trader: less QUOTE in for a buy, more QUOTE out for a sell. */
const gain = (side: Side, from: number, to: number) => (side === 'buy' ? from - to : to - from);

describe('split routes', () => {
  it('splits a 5,000 SOL buy and pays less than either venue alone, even after the second leg', () => {
    const { market, route } = solAtStart('buy');
    const decision = route(5_000);
    const split = decision.route;
    expect(split.kind).toBe('split');
    expect(split.legs.map((leg) => leg.dex)).toEqual(['raydium', 'meteora']);
    for (const leg of split.legs) expect(leg.amount).toBeGreaterThan(500);
    expect(split.amount).toBeCloseTo(5_000, 9);
    expect(split.amountOut).toBe(split.amount);
    const alone = market.quotes(SOL, 'buy', 5_000, T0).map((quote) => quote!.amountIn);
    for (const amountIn of alone) expect(split.amountIn).toBeLessThan(amountIn);
    expect(legsTotal(split) + DEFAULT_LEG_COST).toBe(split.amountIn);
    expect(split.amountIn).toBeLessThan(decision.best.amountIn);
    // Worth far more than the leg: ~80 bps on a $700k order.
    expect(gain('buy', decision.best.amountIn, split.amountIn)).toBeGreaterThan(5_000);
    expect(decision.reason).toMatch(/^buy split .* on raydium .* on meteora .*pays .* less after the second leg's 0\.02 USDC$/);
  });

  it('splits a 5,000 SOL sell and receives more than either venue alone, even after the second leg', () => {
    const { market, route } = solAtStart('sell');
    const decision = route(5_000);
    const split = decision.route;
    expect(split.kind).toBe('split');
    expect(split.amountIn).toBe(split.amount);
    const alone = market.quotes(SOL, 'sell', 5_000, T0).map((quote) => quote!.amountOut);
    for (const amountOut of alone) expect(split.amountOut).toBeGreaterThan(amountOut);
    expect(legsTotal(split) - DEFAULT_LEG_COST).toBe(split.amountOut);
    expect(gain('sell', decision.best.amountOut, split.amountOut)).toBeGreaterThan(5_000);
    expect(decision.reason).toContain('gets');
  });

  it('never splits a 1 SOL order, on either side, over an hour of market states', () => {
    const market = createMarket({ seed: 1, startMs: T0 });
    for (let s = 0; s <= 3_600; s += 15) {
      const now = T0 + s * 1_000;
      for (const side of sides) {
        const decision = market.route(SOL, side, 1, now)!;
        expect(decision.route.kind).toBe(decision.best.dex);
        expect(decision.route.legs).toEqual([{ dex: decision.best.dex, amount: 1, quote: decision.best }]);
      }
    }
  });

  it('lands within a whisker of a brute-force scan of 1,000 split fractions, and never worse', () => {
    for (const side of sides) {
      const { quoteAt } = solAtStart(side);
      for (const amount of [300, 5_000, 20_000]) {
        const legs = findSplit({ side, amount, baseDecimals: 9, quoteAt })!;
        const found = legs[0].quote[side === 'buy' ? 'amountIn' : 'amountOut'] + legs[1].quote[side === 'buy' ? 'amountIn' : 'amountOut'];
        let scanned = side === 'buy' ? Infinity : -Infinity;
        let scannedShare = 0;
        for (let k = 1; k < 1_000; k++) {
          const first = Math.round(((amount * k) / 1_000) * 1e9) / 1e9;
          const a = quoteAt('raydium', first);
          const b = quoteAt('meteora', amount - first);
          if (!a || !b) continue;
          const total = side === 'buy' ? a.amountIn + b.amountIn : a.amountOut + b.amountOut;
          if (gain(side, scanned, total) > 0) [scanned, scannedShare] = [total, k / 1_000];
        }
        // The scan's grid is 1/1000 of the order: the optimum sits within a step of its best point.
        expect(Math.abs(legs[0].amount / amount - scannedShare)).toBeLessThanOrEqual(0.001);
        expect(gain(side, scanned, found)).toBeGreaterThanOrEqual(-1e-6);
        expect(gain(side, scanned, found)).toBeLessThan(1e-5 * amount * 140);
      }
    }
  });

  it('fills a venue that cannot take the whole order up to what it can, and routes the rest elsewhere', () => {
    const { market, route } = solAtStart('buy');
    const [raydium, meteora] = market.quotes(SOL, 'buy', 100_000, T0);
    expect(meteora).toBeNull(); // Meteora's asks hold ~34,725 SOL
    const split = route(100_000).route;
    expect(split.kind).toBe('split');
    const meteoraLeg = split.legs.find((leg) => leg.dex === 'meteora')!;
    expect(meteoraLeg.amount).toBeGreaterThan(34_700);
    expect(market.quote('meteora', SOL, 'buy', meteoraLeg.amount + 0.01, T0)).toBeNull();
    expect(split.amountIn).toBeLessThan(raydium!.amountIn * 0.8);
  });

  it('gives a capped cheap venue exactly its capacity', () => {
    // Venue "meteora" sells up to 300 BASE at a flat 100.1; "raydium" is a 10,000-BASE CPMM at 100 with 25 bps.
    const pool = createCpmmPool({ baseReserve: 10_000, quoteReserve: 1_000_000, baseDecimals: 6, quoteDecimals: 6 });
    const flat = (amount: number): Quote | null =>
      amount > 300
        ? null
        : { dex: 'meteora', pair: 'X/Y', side: 'buy', amountIn: amount * 100.1, amountOut: amount, price: 100.1, fee: 0, feeBps: 0, priceImpactBps: 0 };
    const quoteAt: QuoteAt = (dex: Dex, amount) => {
      if (dex === 'meteora') return flat(amount);
      const quote = quoteCpmm(pool, 'buy', amount);
      return quote && { dex, pair: 'X/Y', ...quote };
    };
    expect(cpmmMidPrice(pool) * 1.0025).toBeGreaterThan(100.1); // Raydium's very first unit costs more than the flat venue
    const legs = findSplit({ side: 'buy', amount: 1_000, baseDecimals: 6, quoteAt })!;
    expect(legs[1].amount).toBeCloseTo(300, 3);
    expect(legs[0].amount + legs[1].amount).toBeCloseTo(1_000, 9);
    // And when the two together cannot fill it, there is no split at all.
    expect(findSplit({ side: 'buy', amount: 10_300, baseDecimals: 6, quoteAt })).toBeNull();
  });

  it('sums the legs into the totals, charging the leg cost once per extra leg', () => {
    for (const side of sides) {
      const split = solAtStart(side).route(3_000).route;
      const [a, b] = split.legs.map((leg) => leg.quote) as [Quote, Quote];
      expect(split.amount).toBe(split.legs[0]!.amount + split.legs[1]!.amount);
      expect(split.amountIn).toBe(a.amountIn + b.amountIn + (side === 'buy' ? DEFAULT_LEG_COST : 0));
      expect(split.amountOut).toBe(a.amountOut + b.amountOut - (side === 'sell' ? DEFAULT_LEG_COST : 0));
      expect(split.fee).toBe(a.fee + b.fee + DEFAULT_LEG_COST);
      expect(split.price).toBe(side === 'buy' ? split.amountIn / split.amountOut : split.amountOut / split.amountIn);
      for (const leg of split.legs) expect(leg.amount).toBe(side === 'buy' ? leg.quote.amountOut : leg.quote.amountIn);
    }
    const one = solAtStart('sell').market.quote('raydium', SOL, 'sell', 2, T0)!;
    expect(routeTotals('sell', [one], 0.5)).toEqual({ amountIn: 2, amountOut: one.amountOut, fee: one.fee, price: one.amountOut / 2 });
    expect(buildRoute('sell', [{ dex: 'raydium', amount: 2, quote: one }], 0.5).kind).toBe('raydium');
    expect(() => buildRoute('buy', [], 0)).toThrow(RangeError);
  });
});
