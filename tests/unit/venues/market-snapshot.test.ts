import { describe, expect, it } from 'vitest';
import { createMarket, type Market } from '../../../src/venues/market.js';
import { createMarketView } from '../../../src/venues/market-view.js';
import { createDlmmPool } from '../../../src/venues/meteora-dlmm.js';
import { loadDlmm, saveDlmm } from '../../../src/venues/pool-state.js';
import { DEXES, PAIRS, type MarketSnapshot } from '../../../src/venues/index.js';

const T0 = 1_700_000_000_000;
const SOL = 'SOL/USDC';
const noLimit = { buy: { side: 'buy', maxAmountIn: Infinity }, sell: { side: 'sell', minAmountOut: 0 } } as const;
const roundTrip = (snapshot: MarketSnapshot): MarketSnapshot => JSON.parse(JSON.stringify(snapshot));

/** Trades and quotes from `fromS` to `toS` seconds after T0; returns everything the market answered, as JSON (bit-exact for doubles). */
function script(market: Market, fromS: number, toS: number): string {
  const seen: unknown[] = [];
  for (let s = fromS; s <= toS; s += 13) {
    const now = T0 + s * 1_000;
    for (const pair of PAIRS) {
      seen.push(market.referencePrice(pair.symbol, now));
      for (const dex of DEXES) seen.push(market.quote(dex, pair.symbol, 'buy', 7, now), market.quote(dex, pair.symbol, 'sell', 3_000, now));
    }
    if (s % 39 === 0) {
      const side = s % 78 === 0 ? 'buy' : 'sell';
      seen.push(market.fill('meteora', SOL, side, 400, noLimit[side], now));
    }
    if (s % 65 === 0) {
      const route = market.route(SOL, 'sell', 4_000, now)!.route;
      seen.push(market.fillRoute(SOL, 'sell', route.legs.map(({ dex, amount }) => ({ dex, amount })), noLimit.sell, now));
    }
  }
  return JSON.stringify(seen);
}

/** Freezes an object and everything in it, so any write throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('market snapshots', () => {
  it('is plain JSON holding the tick, each reference and each pool, about 39 KB for the default pairs', () => {
    const market = createMarket({ seed: 30, startMs: T0 });
    script(market, 0, 300);
    market.referencePrice(SOL, T0 + 300_000);
    const snapshot = market.snapshot();
    expect(roundTrip(snapshot)).toEqual(snapshot);
    expect(snapshot).toMatchObject({ version: 1, seed: 30, startMs: T0, tickMs: 250, tick: 1_200 });
    expect(snapshot.pairs.map((pair) => pair.symbol)).toEqual(PAIRS.map((pair) => pair.symbol));
    const sol = snapshot.pairs[0]!;
    expect(sol.reference).toBe(market.referencePrice(SOL, T0));
    expect(sol.pools.map((pool) => pool.dex)).toEqual(['raydium', 'meteora']);
    expect(sol.pools[0]!.dex === 'raydium' && sol.pools[0]!.quote / sol.pools[0]!.base).toBe(market.midPrice(SOL, 'raydium', T0));
    expect('bins' in sol.pools[1]!).toBe(true); // the compact form: trading kept one token per bin
    const size = JSON.stringify(snapshot).length;
    expect(size).toBeGreaterThan(30_000);
    expect(size).toBeLessThan(45_000);
  });

  it('restores a market that carries on bit for bit like the original', () => {
    const original = createMarket({ seed: 31, startMs: T0 });
    script(original, 0, 600);
    // The restoring process has its own clock and seed setting: the snapshot's win.
    const restored = createMarket({ seed: 'ignored', startMs: Date.now(), tickMs: 100, from: roundTrip(original.snapshot()) });
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(original.snapshot()));
    // Onward: ticks one by one, fills, and a gap of hours that jumps the reference.
    const later = script(original, 601, 1_500);
    expect(script(restored, 601, 1_500)).toBe(later);
    const jump = 601 + 6 * 3_600;
    expect(script(restored, jump, jump + 200)).toBe(script(original, jump, jump + 200));
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(original.snapshot()));
    // A fresh market with the same seed never saw those fills: it answers differently.
    expect(script(createMarket({ seed: 31, startMs: T0 }), 601, 1_500)).not.toBe(later);
  });

  it('starts a pair missing from the snapshot fresh and refuses a snapshot of other pools', () => {
    const market = createMarket({ seed: 32, startMs: T0, pairs: PAIRS.slice(0, 1) });
    market.fill('raydium', SOL, 'buy', 1_000, noLimit.buy, T0);
    const restored = createMarket({ seed: 32, startMs: T0, from: market.snapshot() });
    expect(restored.midPrice(SOL, 'raydium', T0)).toBe(market.midPrice(SOL, 'raydium', T0));
    expect(restored.referencePrice('JUP/USDC', T0)).toBe(0.9);
    const otherBins = PAIRS.map((pair, i) => (i === 0 ? { ...pair, meteoraBinStep: 20 } : pair));
    expect(() => createMarket({ seed: 32, startMs: T0, pairs: otherBins, from: market.snapshot() })).toThrow(RangeError);
    expect(() => createMarket({ seed: 32, startMs: T0, from: { ...market.snapshot(), version: 2 as 1 } })).toThrow(RangeError);
  });

  it('keeps a DLMM pool whole, not compact, if a bin outside the active one ever holds both tokens', () => {
    const spec = { price: 140, binStep: 10, baseLiquidityPerBin: 50, baseDecimals: 9, quoteDecimals: 6 };
    const pool = createDlmmPool(spec);
    pool.baseAmounts[3] = 1.5; // a bid bin far below the active one, with some BASE in it
    const saved = saveDlmm(pool);
    expect('baseBins' in saved).toBe(true);
    const restored = createDlmmPool(spec);
    loadDlmm(restored, JSON.parse(JSON.stringify(saved)));
    expect([...restored.baseAmounts]).toEqual([...pool.baseAmounts]);
    expect([...restored.quoteAmounts]).toEqual([...pool.quoteAmounts]);
  });
});

describe('market views', () => {
  it('quotes, routes, prices and values exactly as the market at the same state', () => {
    const market = createMarket({ seed: 33, startMs: T0 });
    for (const s of [0, 45, 600, 3_600]) {
      const now = T0 + s * 1_000;
      market.fill('raydium', SOL, 'sell', 900, noLimit.sell, now);
      const view = createMarketView(roundTrip(market.snapshot()));
      expect(view.tick).toBe(s * 4);
      expect(view.atMs).toBe(now);
      for (const pair of PAIRS.map((spec) => spec.symbol)) {
        expect(view.referencePrice(pair)).toBe(market.referencePrice(pair, now));
        for (const dex of DEXES) {
          expect(view.midPrice(pair, dex)).toBe(market.midPrice(pair, dex, now));
          expect(view.liquidity(pair, dex)).toBe(market.liquidity(pair, dex, now));
        }
        for (const side of ['buy', 'sell'] as const) {
          for (const amount of [1, 250, 5_000, 60_000]) {
            expect(view.quotes(pair, side, amount)).toEqual(market.quotes(pair, side, amount, now));
            expect(view.route(pair, side, amount)).toEqual(market.route(pair, side, amount, now));
          }
        }
      }
    }
  });

  it('never writes to its snapshot, and knows only the pairs it has both a snapshot and a spec for', () => {
    const market = createMarket({ seed: 34, startMs: T0 });
    market.fill('meteora', SOL, 'buy', 2_000, noLimit.buy, T0 + 60_000);
    const snapshot = deepFreeze(market.snapshot());
    const before = JSON.stringify(snapshot);
    const view = createMarketView(snapshot, PAIRS.slice(0, 2));
    expect(view.pairs.map((pair) => pair.symbol)).toEqual(['SOL/USDC', 'SOL/USDT']);
    for (let i = 0; i < 3; i++) {
      expect(view.route(SOL, 'buy', 20_000)!.route.kind).toBe('split');
      view.quotes(SOL, 'sell', 30_000);
    }
    // Quoting the same thing twice gives the same answer: the view's pools do not move either.
    expect(view.quote('meteora', SOL, 'buy', 500)).toEqual(view.quote('meteora', SOL, 'buy', 500));
    expect(JSON.stringify(snapshot)).toBe(before);
    expect(() => view.quote('raydium', 'JUP/USDC', 'buy', 1)).toThrow(RangeError);
    expect(() => view.quote('raydium', SOL, 'buy', 0)).toThrow(RangeError);
  });
});
