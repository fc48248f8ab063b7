import { describe, expect, it } from 'vitest';
import { mayRestAgain, meetsLimit, pastExpiry, priceLimit, sizeForSpend, stopTriggers } from '../../../src/orders/resting-terms.js';

describe('resting order rules', () => {
  it('bounds a limit fill by the limit price itself (a sniper also by its spend)', () => {
    expect(priceLimit('buy', 2, 100)).toEqual({ side: 'buy', maxAmountIn: 200 });
    expect(priceLimit('sell', 2, 100)).toEqual({ side: 'sell', minAmountOut: 200 });
    expect(priceLimit('buy', 2, 100, 150)).toEqual({ side: 'buy', maxAmountIn: 150 });
  });

  it('compares an effective price with a limit by side', () => {
    expect(meetsLimit('buy', 99.99, 100)).toBe(true);
    expect(meetsLimit('buy', 100.01, 100)).toBe(false);
    expect(meetsLimit('sell', 100.01, 100)).toBe(true);
    expect(meetsLimit('sell', 99.99, 100)).toBe(false);
  });

  it('triggers a stop in its direction only', () => {
    expect(stopTriggers('below', 90, 90)).toBe(true);
    expect(stopTriggers('below', 90, 91)).toBe(false);
    expect(stopTriggers('above', 110, 110.5)).toBe(true);
    expect(stopTriggers('above', 110, 100)).toBe(false);
  });

  it('lets GTC and GTD limits and snipers rest again, never IOC, stops or market orders', () => {
    expect(mayRestAgain({ type: 'limit', timeInForce: 'GTC' })).toBe(true);
    expect(mayRestAgain({ type: 'limit', timeInForce: 'GTD' })).toBe(true);
    expect(mayRestAgain({ type: 'sniper', timeInForce: null })).toBe(true);
    expect(mayRestAgain({ type: 'limit', timeInForce: 'IOC' })).toBe(false);
    expect(mayRestAgain({ type: 'stop', timeInForce: 'GTC' })).toBe(false);
    expect(mayRestAgain({ type: 'market', timeInForce: null })).toBe(false);
  });

  it('is past expiry from expireAt on, and never without one', () => {
    expect(pastExpiry({ expireAt: 1_000 }, 999)).toBe(false);
    expect(pastExpiry({ expireAt: 1_000 }, 1_000)).toBe(true);
    expect(pastExpiry({ expireAt: null }, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('sizes a sniper buy so its cost, impact included, stays within the spend', () => {
    // A CPMM of 1,000,000 QUOTE / 50,000,000 BASE (price 0.02) with a 25 bps fee.
    const costOf = (base: number) => (base >= 50_000_000 ? null : (1_000_000 * base) / (50_000_000 - base) / (1 - 0.0025));
    const size = sizeForSpend(1_000, costOf, 0.02, 1e-6)!;
    expect(costOf(size)!).toBeLessThanOrEqual(1_000);
    expect(costOf(size)!).toBeGreaterThan(999.99);
    expect(size).toBeLessThan(1_000 / 0.02);
    expect(sizeForSpend(1e-9, costOf, 0.02, 1e-6)).toBeNull();
  });
});
