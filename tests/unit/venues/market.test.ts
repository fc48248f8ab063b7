import { describe, expect, it } from 'vitest';
import { createMarket, MAX_TICKS_PER_ADVANCE, type Market } from '../../../src/venues/market.js';
import { slippageLimit } from '../../../src/venues/router.js';
import { DEXES, PAIRS, type Quote } from '../../../src/venues/index.js';

const T0 = 1_700_000_000_000;
const SOL = 'SOL/USDC';
const noLimit = { buy: { side: 'buy', maxAmountIn: Infinity }, sell: { side: 'sell', minAmountOut: 0 } } as const;
const bps = (a: number, b: number) => Math.log(a / b) * 10_000;

/** A fixed script of quotes and fills over ten minutes; returns everything the market answered. */
function script(market: Market): unknown[] {
  const seen: unknown[] = [];
  for (let s = 0; s <= 600; s += 7) {
    const now = T0 + s * 1_000;
    seen.push(market.referencePrice(SOL, now));
    for (const dex of DEXES) seen.push(market.quote(dex, SOL, 'buy', 25, now), market.quote(dex, 'JUP/USDC', 'sell', 5_000, now));
    if (s % 70 === 0) seen.push(market.fill('meteora', SOL, 'buy', 300, noLimit.buy, now));
  }
  return seen;
}

describe('simulated market', () => {
  it('fills every field of a quote consistently', () => {
    const market = createMarket({ seed: 1, startMs: T0 });
    for (const dex of DEXES) {
      const buy = market.quote(dex, SOL, 'buy', 10, T0)!;
      expect(buy).toMatchObject({ dex, pair: SOL, side: 'buy', amountOut: 10 });
      expect(buy.price).toBeCloseTo(buy.amountIn / buy.amountOut, 9);
      expect(buy.fee / buy.amountIn).toBeCloseTo(buy.feeBps / 10_000, 9);
      const sell = market.quote(dex, SOL, 'sell', 10, T0)!;
      expect(sell).toMatchObject({ dex, pair: SOL, side: 'sell', amountIn: 10 });
      expect(sell.price).toBeCloseTo(sell.amountOut / sell.amountIn, 9);
      for (const quote of [buy, sell]) {
        expect(quote.priceImpactBps).toBeGreaterThanOrEqual(0);
        expect(Object.values(quote).every((v) => typeof v === 'string' || Number.isFinite(v))).toBe(true);
      }
      expect(buy.price).toBeGreaterThan(market.midPrice(SOL, dex, T0));
      expect(sell.price).toBeLessThan(market.midPrice(SOL, dex, T0));
    }
  });

  it('answers identically for the same seed and the same calls, differently for another seed', () => {
    const a = script(createMarket({ seed: 42, startMs: T0 }));
    const b = script(createMarket({ seed: 42, startMs: T0 }));
    const c = script(createMarket({ seed: 43, startMs: T0 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('moves the reference and the pools as time passes, not while it stands still', () => {
    const market = createMarket({ seed: 3, startMs: T0 });
    expect(market.referencePrice(SOL, T0)).toBe(140);
    const first = market.quote('raydium', SOL, 'buy', 1, T0);
    expect(market.quote('raydium', SOL, 'buy', 1, T0)).toEqual(first); // quoting moves nothing
    const later = T0 + 60_000;
    expect(market.referencePrice(SOL, later)).not.toBe(140);
    expect(market.quote('raydium', SOL, 'buy', 1, later)!.price).not.toBe(first!.price);
  });

  it('moves the pool a fill hits and leaves the other venue alone', () => {
    const market = createMarket({ seed: 4, startMs: T0 });
    for (const [hit, other] of [['raydium', 'meteora'], ['meteora', 'raydium']] as const) {
      const hitBefore = market.midPrice(SOL, hit, T0);
      const otherBefore = market.midPrice(SOL, other, T0);
      const result = market.fill(hit, SOL, 'buy', 1_000, noLimit.buy, T0);
      expect(result?.ok).toBe(true);
      expect(bps(market.midPrice(SOL, hit, T0), hitBefore)).toBeGreaterThan(50);
      expect(market.midPrice(SOL, other, T0)).toBe(otherBefore);
    }
  });

  it('lets arbitrage pull a pool back toward the reference after a big fill', () => {
    const market = createMarket({ seed: 5, startMs: T0 });
    market.fill('raydium', SOL, 'buy', 5_000, noLimit.buy, T0);
    expect(bps(market.midPrice(SOL, 'raydium', T0), market.referencePrice(SOL, T0))).toBeGreaterThan(400);
    const later = T0 + 30_000;
    expect(Math.abs(bps(market.midPrice(SOL, 'raydium', later), market.referencePrice(SOL, later)))).toBeLessThan(60);
  });

  it('keeps every pool within a sane band of the reference for hours, without making venues equal', () => {
    const market = createMarket({ seed: 6, startMs: T0 });
    let worst = 0;
    let venuesDiffered = 0;
    for (let s = 0; s <= 2 * 3_600; s += 5) {
      const now = T0 + s * 1_000;
      for (const pair of PAIRS) {
        const reference = market.referencePrice(pair.symbol, now);
        const mids = DEXES.map((dex) => market.midPrice(pair.symbol, dex, now));
        for (const mid of mids) worst = Math.max(worst, Math.abs(bps(mid, reference)));
        if (Math.abs(bps(mids[0]!, mids[1]!)) > 1) venuesDiffered++;
      }
    }
    expect(worst).toBeLessThan(100);
    expect(venuesDiffered).toBeGreaterThan(100);
  });

  it('reverts a large buy when an earlier buy moved the pool, while a small buy passes the same slippage', () => {
    const market = createMarket({ seed: 7, startMs: T0 });
    const small = market.quote('raydium', SOL, 'buy', 1, T0)!;
    const large = market.quote('raydium', SOL, 'buy', 100_000, T0)!;
    // Someone else's buy lands first, lifting the pool ~80 bps: on x·y = k the cost of a large
    // order rises more than the mid does, so it crosses a 100 bps tolerance the small one does not.
    market.fill('raydium', SOL, 'buy', 800, noLimit.buy, T0);
    const afterFront = market.midPrice(SOL, 'raydium', T0);

    const largeResult = market.fill('raydium', SOL, 'buy', 100_000, slippageLimit(large, 100), T0)!;
    expect(largeResult.ok).toBe(false);
    if (largeResult.ok) return;
    expect(largeResult.code).toBe('SLIPPAGE_EXCEEDED');
    expect(largeResult.attempted.amountIn).toBeGreaterThan(large.amountIn * 1.01);
    expect(market.midPrice(SOL, 'raydium', T0)).toBe(afterFront); // the revert left the pool as it was

    const smallResult = market.fill('raydium', SOL, 'buy', 1, slippageLimit(small, 100), T0)!;
    expect(smallResult.ok).toBe(true);
    if (smallResult.ok) expect(smallResult.fill.amountIn).toBeGreaterThan(small.amountIn);
  });

  it('fails a buy whose limit predates a rise in the market, while a sell with the same tolerance passes', () => {
    const market = createMarket({ seed: 8, startMs: T0 });
    const buy = market.quote('raydium', SOL, 'buy', 10, T0)!;
    const sell = market.quote('raydium', SOL, 'sell', 10, T0)!;
    const start = market.midPrice(SOL, 'raydium', T0);
    let now = T0;
    while (bps(market.midPrice(SOL, 'raydium', now), start) < 40) {
      now += 1_000;
      expect(now - T0).toBeLessThan(24 * 3_600_000); // the walk rises 40 bps long before a day passes
    }
    expect(market.fill('raydium', SOL, 'buy', 10, slippageLimit(buy, 30), now)).toMatchObject({ ok: false, code: 'SLIPPAGE_EXCEEDED' });
    expect(market.fill('raydium', SOL, 'sell', 10, slippageLimit(sell, 30), now)).toMatchObject({ ok: true });
  });

  it('returns null for sizes beyond a pool and leaves it untouched', () => {
    const market = createMarket({ seed: 9, startMs: T0 });
    expect(market.quote('raydium', SOL, 'buy', 200_000, T0)).toBeNull();
    expect(market.quote('meteora', SOL, 'buy', 100_000, T0)).toBeNull();
    expect(market.quote('meteora', SOL, 'sell', 100_000, T0)).toBeNull();
    const mid = market.midPrice(SOL, 'meteora', T0);
    expect(market.fill('meteora', SOL, 'buy', 100_000, noLimit.buy, T0)).toBeNull();
    expect(market.midPrice(SOL, 'meteora', T0)).toBe(mid);
  });

  it('survives a jump of days and time running backwards', () => {
    const market = createMarket({ seed: 10, startMs: T0 });
    const minute = market.referencePrice(SOL, T0 + 60_000);
    expect(market.referencePrice(SOL, T0 + 10_000)).toBe(minute); // earlier: no advance
    expect(market.referencePrice(SOL, T0 - 5_000)).toBe(minute);
    const days = market.referencePrice(SOL, T0 + 3 * 86_400_000);
    expect(Number.isFinite(days) && days > 0).toBe(true);
    expect(days).not.toBe(minute);
    // After the jump the simulated ticks let arbitrage catch the pools up with the reference.
    for (const dex of DEXES) expect(Math.abs(bps(market.midPrice(SOL, dex, T0 + 3 * 86_400_000), days))).toBeLessThan(100);
    expect(market.quote('raydium', SOL, 'buy', 1, T0 + 3 * 86_400_000 + 250)).not.toBeNull();
    expect(MAX_TICKS_PER_ADVANCE).toBeLessThan((3 * 86_400_000) / 250);
  });

  it('agrees with a market advanced in small steps, as long as no step exceeds the work cap', () => {
    const stepped = createMarket({ seed: 11, startMs: T0 });
    const direct = createMarket({ seed: 11, startMs: T0 });
    for (let s = 1; s <= 300; s++) stepped.referencePrice(SOL, T0 + s * 1_000);
    const at = T0 + 300_000;
    const quotes = (m: Market): (Quote | null)[] => m.quotes(SOL, 'sell', 50, at);
    expect(quotes(direct)).toEqual(quotes(stepped));
  });

  it('rejects unknown pairs, bad amounts and a limit for the other side', () => {
    const market = createMarket({ seed: 12, startMs: T0 });
    expect(() => market.quote('raydium', 'DOGE/USDC', 'buy', 1, T0)).toThrow(RangeError);
    expect(() => market.quote('raydium', SOL, 'buy', 0, T0)).toThrow(RangeError);
    expect(() => market.quote('raydium', SOL, 'buy', Number.NaN, T0)).toThrow(RangeError);
    expect(() => market.fill('raydium', SOL, 'buy', 1, noLimit.sell, T0)).toThrow(RangeError);
  });
});
