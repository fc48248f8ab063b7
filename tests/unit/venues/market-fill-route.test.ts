import { describe, expect, it } from 'vitest';
import { createMarket, type Market } from '../../../src/venues/market.js';
import { binPrice } from '../../../src/venues/meteora-dlmm.js';
import { slippageLimit } from '../../../src/venues/router.js';
import { DEFAULT_LEG_COST } from '../../../src/venues/split-route.js';
import { DEXES, PAIRS, type Route, type Side } from '../../../src/venues/index.js';

const T0 = 1_700_000_000_000;
const SOL = 'SOL/USDC';
const sides = ['buy', 'sell'] as const;
const noLimit = { buy: { side: 'buy', maxAmountIn: Infinity }, sell: { side: 'sell', minAmountOut: 0 } } as const;
const legsOf = (route: Route) => route.legs.map(({ dex, amount }) => ({ dex, amount }));
const state = (market: Market) => JSON.stringify(market.snapshot());

describe('atomic multi-leg fills', () => {
  it('executes both legs of a split exactly as routed and moves both pools', () => {
    for (const side of sides) {
      const market = createMarket({ seed: 20, startMs: T0 });
      const route = market.route(SOL, side, 5_000, T0)!.route;
      expect(route.kind).toBe('split');
      const mids = DEXES.map((dex) => market.midPrice(SOL, dex, T0));
      const result = market.fillRoute(SOL, side, legsOf(route), slippageLimit(route, 10), T0);
      expect(result).toEqual({
        ok: true,
        fills: route.legs.map((leg) => leg.quote),
        amountIn: route.amountIn,
        amountOut: route.amountOut,
        fee: route.fee,
        price: route.price,
      });
      DEXES.forEach((dex, i) => {
        const moved = market.midPrice(SOL, dex, T0) / mids[i]!;
        if (side === 'buy') expect(moved).toBeGreaterThan(1.001);
        else expect(moved).toBeLessThan(0.999);
      });
    }
  });

  it('reverts every leg when the total breaks the limit, though one leg alone moved', () => {
    for (const side of sides) {
      const market = createMarket({ seed: 21, startMs: T0 });
      const route = market.route(SOL, side, 5_000, T0)!.route;
      // Someone else's trade lands first on Raydium only, the same way: the Raydium leg gets worse.
      market.fill('raydium', SOL, side, 2_000, noLimit[side], T0);
      const before = state(market);
      const limit = slippageLimit(route, 30);
      const result = market.fillRoute(SOL, side, legsOf(route), limit, T0);
      expect(result).toMatchObject({ ok: false, code: 'SLIPPAGE_EXCEEDED', limit });
      if (result.ok || result.code !== 'SLIPPAGE_EXCEEDED') return;
      expect(result.attempted.fills.map((fill) => fill.dex)).toEqual(['raydium', 'meteora']);
      if (side === 'buy') expect(result.attempted.amountIn).toBeGreaterThan(limit.side === 'buy' ? limit.maxAmountIn : NaN);
      else expect(result.attempted.amountOut).toBeLessThan(limit.side === 'sell' ? limit.minAmountOut : NaN);
      // The Meteora leg alone is as quoted: the whole transaction failed, not that leg.
      expect(result.attempted.fills[1]).toEqual(route.legs[1]!.quote);
      expect(state(market)).toBe(before);
    }
  });

  it('fails a route with a leg the pool cannot fill, applying none of the others', () => {
    const market = createMarket({ seed: 22, startMs: T0 });
    const before = state(market);
    const legs = [
      { dex: 'raydium', amount: 10 },
      { dex: 'meteora', amount: 100_000 },
    ] as const;
    expect(market.fillRoute(SOL, 'buy', legs, noLimit.buy, T0)).toEqual({ ok: false, code: 'INSUFFICIENT_LIQUIDITY' });
    expect(state(market)).toBe(before);
  });

  it('charges the leg cost once per extra leg, and a one-leg route exactly like fill', () => {
    const one = createMarket({ seed: 23, startMs: T0 });
    const other = createMarket({ seed: 23, startMs: T0 });
    const single = one.fillRoute(SOL, 'sell', [{ dex: 'meteora', amount: 40 }], noLimit.sell, T0);
    const fill = other.fill('meteora', SOL, 'sell', 40, noLimit.sell, T0);
    expect(fill?.ok).toBe(true);
    if (!single.ok || !fill?.ok) return;
    expect(single.fills).toEqual([fill.fill]);
    expect([single.amountIn, single.amountOut, single.fee, single.price]).toEqual([40, fill.fill.amountOut, fill.fill.fee, fill.fill.price]);
    expect(state(one)).toBe(state(other));

    const two = one.fillRoute(SOL, 'buy', [{ dex: 'raydium', amount: 3 }, { dex: 'meteora', amount: 2 }], noLimit.buy, T0);
    if (!two.ok) throw new Error('expected the fill');
    expect(two.amountIn).toBe(two.fills[0]!.amountIn + two.fills[1]!.amountIn + DEFAULT_LEG_COST);
    expect(two.amountOut).toBe(5);
  });

  it('rejects an empty route, a venue twice, a bad amount and a limit for the other side', () => {
    const market = createMarket({ seed: 24, startMs: T0 });
    const fill = (side: Side, legs: readonly { dex: 'raydium' | 'meteora'; amount: number }[], limit = noLimit[side]) =>
      market.fillRoute(SOL, side, legs, limit, T0);
    expect(() => fill('buy', [])).toThrow(RangeError);
    expect(() => fill('buy', [{ dex: 'raydium', amount: 1 }, { dex: 'raydium', amount: 2 }])).toThrow(RangeError);
    expect(() => fill('buy', [{ dex: 'raydium', amount: -1 }])).toThrow(RangeError);
    expect(() => fill('buy', [{ dex: 'raydium', amount: 1 }], noLimit.sell as never)).toThrow(RangeError);
    expect(() => market.fillRoute('DOGE/USDC', 'buy', [{ dex: 'raydium', amount: 1 }], noLimit.buy, T0)).toThrow(RangeError);
  });

  it('values each pool in QUOTE at its mid', () => {
    const market = createMarket({ seed: 25, startMs: T0 });
    const spec = PAIRS[0]!;
    expect(market.liquidity(SOL, 'raydium', T0)).toBe(2 * 200_000 * 140);
    // Meteora at the start: 694 full ask bins and half the active bin in BASE, the mirror image in QUOTE.
    const active = Math.round(Math.log(140) / Math.log(1.001));
    const mid = binPrice(active, spec.meteoraBinStep);
    let bids = 25 * mid;
    for (let k = 1; k <= 694; k++) bids += 50 * binPrice(active - k, spec.meteoraBinStep);
    expect(market.liquidity(SOL, 'meteora', T0)).toBeCloseTo(694.5 * 50 * mid + bids, 4);
    const before = market.liquidity(SOL, 'raydium', T0);
    market.fill('raydium', SOL, 'buy', 1_000, noLimit.buy, T0);
    // The fee stays in a CPMM pool, and buying lifts the mid its BASE is marked at.
    expect(market.liquidity(SOL, 'raydium', T0)).toBeGreaterThan(before);
  });
});
