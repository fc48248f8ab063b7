import { describe, expect, it } from 'vitest';
import {
  binIdFor,
  binPrice,
  createDlmmPool,
  dlmmFeeRate,
  dlmmMidPrice,
  dlmmOrderToward,
  quoteDlmm,
  swapDlmm,
  type DlmmPool,
} from '../../../src/venues/meteora-dlmm.js';

/** Seven bins of 1% around price 1: 10 BASE (or its value in QUOTE) each, 5 + 5 in the active bin. */
const tiny = () =>
  createDlmmPool({
    price: 1,
    binStep: 100,
    baseLiquidityPerBin: 10,
    binRange: 3,
    baseFeeBps: 100,
    variableFeeControl: 0.005, // one bin crossed: 0.005 · 100² = 50 bps
    maxVariableFeeBps: 100,
    baseDecimals: 6,
    quoteDecimals: 6,
  });

const solPool = () => createDlmmPool({ price: 140, binStep: 10, baseLiquidityPerBin: 50, baseDecimals: 9, quoteDecimals: 6 });

const value = (pool: DlmmPool) => {
  let total = 0;
  for (let i = 0; i < pool.prices.length; i++) total += pool.baseAmounts[i]! * pool.prices[i]! + pool.quoteAmounts[i]!;
  return total;
};

describe('Meteora DLMM', () => {
  it('places the active bin at round(log p / log(1 + binStep/10000))', () => {
    expect(binIdFor(1, 100)).toBe(0);
    expect(binIdFor(140, 10)).toBe(Math.round(Math.log(140) / Math.log(1.001)));
    expect(dlmmMidPrice(solPool())).toBeCloseTo(binPrice(binIdFor(140, 10), 10), 12);
    expect(Math.abs(dlmmMidPrice(solPool()) / 140 - 1)).toBeLessThan(0.0005); // within half a bin
  });

  it('holds BASE above the active bin, QUOTE below, both in it', () => {
    const pool = tiny();
    const active = pool.activeId - pool.lowerId;
    expect(pool.baseAmounts[active]).toBe(5);
    expect(pool.quoteAmounts[active]).toBe(5);
    expect(pool.baseAmounts[active + 1]).toBe(10);
    expect(pool.quoteAmounts[active + 1]).toBe(0);
    expect(pool.baseAmounts[active - 1]).toBe(0);
    expect(pool.quoteAmounts[active - 1]).toBeCloseTo(10 / 1.01, 12);
  });

  it('matches a buy worked out by hand', () => {
    // 12 BASE: 5 from bin 0 at 1.00 (fee 1%), 7 from bin 1 at 1.01 (fee 1% + 0.5% for one bin crossed).
    const bin0 = 5 / 0.99;
    const bin1 = (7 * 1.01) / 0.985;
    const quote = quoteDlmm(tiny(), 'buy', 12)!;
    expect(quote.amountOut).toBe(12);
    expect(quote.amountIn).toBe(12.228171); // 12.22817002… rounded up to 6 decimals
    expect(bin0 + bin1).toBeCloseTo(12.22817, 5);
    expect(quote.fee).toBeCloseTo(bin0 - 5 + bin1 - 7.07, 9);
    expect(quote.price).toBeCloseTo(12.228171 / 12, 9);
    expect(quote.priceImpactBps).toBeCloseTo(((5 + 7.07) / 12 - 1) * 10_000, 2); // 58.33 bps, plus rounding dust
  });

  it('matches a sell worked out by hand', () => {
    // 8 BASE: 5.0505… empties bin 0's 5 QUOTE at 1.00 (fee 1%), the rest sells into bin −1 at 1/1.01 (fee 1.5%).
    const intoBin0 = 5 / 0.99;
    const out = 5 + (8 - intoBin0) * 0.985 * (1 / 1.01);
    const quote = quoteDlmm(tiny(), 'sell', 8)!;
    expect(out).toBeCloseTo(7.8764876, 7);
    expect(quote.amountOut).toBe(7.876487); // rounded down to 6 decimals
    expect(quote.amountIn).toBe(8);
  });

  it('walks the bins on a swap: emptied bins change side and the active bin moves', () => {
    const pool = tiny();
    const before = value(pool);
    swapDlmm(pool, 'buy', 12);
    expect(pool.activeId).toBe(1);
    expect(pool.baseAmounts[3]).toBe(0); // bin 0 sold all its BASE…
    expect(pool.quoteAmounts[3]).toBeCloseTo(10, 9); // …and now holds QUOTE only
    expect(pool.baseAmounts[4]).toBeCloseTo(3, 12);
    // Fees leave the bins: what the bins hold is worth what it was, marked at bin prices, plus rounding dust.
    expect(value(pool)).toBeCloseTo(before, 5);
    swapDlmm(pool, 'sell', 20);
    expect(pool.activeId).toBeLessThan(0);
  });

  it('charges a fee that grows with the bins crossed, capped', () => {
    const pool = tiny();
    expect(dlmmFeeRate(pool, 0)).toBeCloseTo(0.01, 12);
    expect(dlmmFeeRate(pool, 1)).toBeCloseTo(0.015, 12);
    expect(dlmmFeeRate(pool, 2)).toBeCloseTo(0.02, 12); // 0.005 · 200² = 200 bps, capped at 100
    expect(dlmmFeeRate(pool, 30)).toBeCloseTo(0.02, 12);
    const sol = solPool();
    const feeBps = [1, 100, 500, 1_000, 3_000].map((size) => quoteDlmm(sol, 'buy', size)!.feeBps);
    expect(feeBps[0]).toBeCloseTo(10, 5); // inside the active bin: the base fee only
    for (let i = 1; i < feeBps.length; i++) expect(feeBps[i]).toBeGreaterThan(feeBps[i - 1]!);
  });

  it('buys above the mid and sells below it, impact growing with size', () => {
    const pool = solPool();
    const mid = dlmmMidPrice(pool);
    for (const side of ['buy', 'sell'] as const) {
      let impact = -1;
      for (const size of [1, 100, 1_000]) {
        const quote = quoteDlmm(pool, side, size)!;
        if (side === 'buy') expect(quote.price).toBeGreaterThan(mid);
        else expect(quote.price).toBeLessThan(mid);
        expect(quote.priceImpactBps).toBeGreaterThanOrEqual(impact);
        impact = quote.priceImpactBps;
      }
      expect(impact).toBeGreaterThan(50);
    }
  });

  it('returns null when the bins run out', () => {
    // 5 + 3 · 10 BASE at and above the active bin.
    expect(quoteDlmm(tiny(), 'buy', 35.000001)).toBeNull();
    expect(quoteDlmm(tiny(), 'buy', 35)).not.toBeNull();
    expect(quoteDlmm(tiny(), 'sell', 1_000)).toBeNull();
  });

  it('quotes without touching the bins and swaps exactly what it quoted', () => {
    const pool = tiny();
    const snapshot = [...pool.baseAmounts, ...pool.quoteAmounts, pool.activeId];
    const quote = quoteDlmm(pool, 'sell', 8);
    expect([...pool.baseAmounts, ...pool.quoteAmounts, pool.activeId]).toEqual(snapshot);
    expect(swapDlmm(pool, 'sell', 8)).toEqual(quote);
    expect(pool.activeId).toBe(-1);
  });

  it('computes the order that moves the active bin to a target price', () => {
    const pool = solPool();
    const start = pool.activeId;
    const up = dlmmOrderToward(pool, 140 * 1.001 ** 5)!;
    expect(up.side).toBe('buy');
    swapDlmm(pool, up.side, up.amount);
    expect(pool.activeId).toBe(start + 5);
    const down = dlmmOrderToward(pool, 140 / 1.001 ** 3)!;
    expect(down.side).toBe('sell');
    swapDlmm(pool, down.side, down.amount);
    expect(Math.abs(pool.activeId - (start - 3))).toBeLessThanOrEqual(1);
    expect(dlmmOrderToward(pool, dlmmMidPrice(pool))).toBeNull();
  });
});
