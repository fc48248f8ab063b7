import { describe, expect, it } from 'vitest';
import { createMarket } from '../../../src/venues/market.js';
import { chooseRoute, routeOrder, slippageLimit, withinLimit } from '../../../src/venues/router.js';
import { PAIRS } from '../../../src/venues/pairs.js';
import type { Dex, Quote, Side } from '../../../src/venues/types.js';

const quote = (dex: Dex, side: Side, price: number): Quote => ({
  dex,
  pair: 'SOL/USDC',
  side,
  amountIn: side === 'buy' ? price * 10 : 10,
  amountOut: side === 'buy' ? 10 : price * 10,
  price,
  fee: 0,
  feeBps: 0,
  priceImpactBps: 0,
});

describe('router', () => {
  it('buys where the price is lowest and sells where it is highest', () => {
    const buy = chooseRoute([quote('raydium', 'buy', 141), quote('meteora', 'buy', 140.5)], 'buy')!;
    expect(buy.best.dex).toBe('meteora');
    expect(buy.quotes).toHaveLength(2);
    expect(buy.reason).toContain('140.5');
    expect(buy.reason).toContain('141');
    expect(buy.reason).toMatch(/35\.\d bps/); // (141 − 140.5) / 141
    const sell = chooseRoute([quote('raydium', 'sell', 139.5), quote('meteora', 'sell', 139)], 'sell')!;
    expect(sell.best.dex).toBe('raydium');
  });

  it('breaks ties by DEXES order, whatever order the quotes come in', () => {
    for (const side of ['buy', 'sell'] as const) {
      expect(chooseRoute([quote('meteora', side, 140), quote('raydium', side, 140)], side)!.best.dex).toBe('raydium');
      expect(chooseRoute([quote('raydium', side, 140), quote('meteora', side, 140)], side)!.best.dex).toBe('raydium');
    }
  });

  it('routes around a venue that cannot fill and gives up when none can', () => {
    const only = chooseRoute([null, quote('meteora', 'buy', 150)], 'buy')!;
    expect(only.best.dex).toBe('meteora');
    expect(only.quotes).toHaveLength(1);
    expect(only.reason).toContain('only');
    expect(chooseRoute([null, null], 'sell')).toBeNull();
    expect(chooseRoute([], 'buy')).toBeNull();
  });

  it('turns a slippage tolerance into a bound on the QUOTE side', () => {
    const buyLimit = slippageLimit(quote('raydium', 'buy', 140), 50);
    expect(buyLimit).toEqual({ side: 'buy', maxAmountIn: 1_400 * 1.005 });
    expect(withinLimit(quote('raydium', 'buy', 140.69), buyLimit)).toBe(true);
    expect(withinLimit(quote('raydium', 'buy', 140.71), buyLimit)).toBe(false);
    const sellLimit = slippageLimit(quote('raydium', 'sell', 140), 50);
    expect(sellLimit).toEqual({ side: 'sell', minAmountOut: 1_400 * 0.995 });
    expect(withinLimit(quote('raydium', 'sell', 139.31), sellLimit)).toBe(true);
    expect(withinLimit(quote('raydium', 'sell', 139.29), sellLimit)).toBe(false);
    expect(withinLimit(quote('raydium', 'sell', 200), buyLimit)).toBe(false);
  });

  it('sends small SOL/USDC orders to Meteora and large ones to Raydium, so routing matters', () => {
    const start = 1_700_000_000_000;
    const market = createMarket({ seed: 1, startMs: start });
    const sizes = [1, 10, 100, 300, 1_000, 3_000, 5_000];
    const winners = (side: Side, now: number) => sizes.map((size) => chooseRoute(market.quotes('SOL/USDC', side, size, now), side)!.best.dex);
    for (const side of ['buy', 'sell'] as const) {
      expect(winners(side, start)).toEqual(['meteora', 'meteora', 'meteora', 'raydium', 'raydium', 'raydium', 'raydium']);
    }
    // Later the venues drift apart within their fee bands, so a venue can win every size for a
    // while; over an hour the pattern holds most of the time.
    let smallToMeteora = 0;
    let largeToRaydium = 0;
    let bothWon = 0;
    let samples = 0;
    for (let s = 30; s <= 3_600; s += 30) {
      for (const side of ['buy', 'sell'] as const) {
        const won = winners(side, start + s * 1_000);
        samples++;
        if (won[0] === 'meteora') smallToMeteora++;
        if (won.at(-1) === 'raydium') largeToRaydium++;
        if (new Set(won).size === 2) bothWon++;
      }
    }
    expect(smallToMeteora / samples).toBeGreaterThan(0.6);
    expect(largeToRaydium / samples).toBeGreaterThan(0.9);
    expect(bothWon / samples).toBeGreaterThan(0.5);
  });

  it('describes a single-venue choice as a one-leg route with that venue\'s totals', () => {
    const best = quote('meteora', 'sell', 139.5);
    const decision = chooseRoute([quote('raydium', 'sell', 139), best], 'sell')!;
    expect(decision.route).toEqual({
      kind: 'meteora',
      pair: 'SOL/USDC',
      side: 'sell',
      amount: 10,
      legs: [{ dex: 'meteora', amount: 10, quote: best }],
      amountIn: 10,
      amountOut: best.amountOut,
      fee: 0,
      price: best.amountOut / 10,
    });
  });

  it('considers a split only when given a quote function, and needs the decimals of a pair it does not know', () => {
    const market = createMarket({ seed: 2, startMs: 0 });
    const quotes = market.quotes('SOL/USDC', 'buy', 5_000, 0);
    const quoteAt = (dex: Dex, amount: number) => market.quote(dex, 'SOL/USDC', 'buy', amount, 0);
    expect(chooseRoute(quotes, 'buy')!.route.kind).toBe('raydium');
    const split = chooseRoute(quotes, 'buy', { quoteAt })!;
    expect(split.route.kind).toBe('split');
    expect(routeOrder(PAIRS[0]!, 'buy', 5_000, quoteAt)).toEqual(split);
    // A leg cost above the saving keeps the order on one venue.
    const saving = split.best.amountIn - split.route.amountIn;
    expect(chooseRoute(quotes, 'buy', { quoteAt, legCost: 0.02 + saving + 1 })!.route.kind).toBe('raydium');
    const unknown = quotes.map((q) => q && { ...q, pair: 'FOO/BAR' });
    expect(() => chooseRoute(unknown, 'buy', { quoteAt })).toThrow(RangeError);
    expect(chooseRoute(unknown, 'buy', { quoteAt, baseDecimals: 9 })!.route.kind).toBe('split');
  });

  it('bounds a whole route by its totals, and checks a route\'s totals against the bound', () => {
    const market = createMarket({ seed: 3, startMs: 0 });
    for (const side of ['buy', 'sell'] as const) {
      const route = market.route('SOL/USDC', side, 5_000, 0)!.route;
      const limit = slippageLimit(route, 50);
      expect(limit).toEqual(side === 'buy' ? { side, maxAmountIn: route.amountIn * 1.005 } : { side, minAmountOut: route.amountOut * 0.995 });
      expect(withinLimit(route, limit)).toBe(true);
      const worse = side === 'buy' ? { ...route, amountIn: route.amountIn * 1.006 } : { ...route, amountOut: route.amountOut * 0.994 };
      expect(withinLimit(worse, limit)).toBe(false);
    }
  });
});
