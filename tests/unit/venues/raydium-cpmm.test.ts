import { describe, expect, it } from 'vitest';
import { cpmmMidPrice, cpmmOrderToward, createCpmmPool, quoteCpmm, swapCpmm } from '../../../src/venues/raydium-cpmm.js';

const pool = () => createCpmmPool({ baseReserve: 1_000, quoteReserve: 140_000, baseDecimals: 9, quoteDecimals: 6 });

describe('Raydium CPMM', () => {
  it('prices a buy on x·y = k with 25 bps grossed up on the QUOTE input', () => {
    const quote = quoteCpmm(pool(), 'buy', 10)!;
    // (1000 − 10)(140000 + net) = 1000 · 140000 ⇒ net = 140000 · 10 / 990.
    const net = (140_000 * 10) / 990;
    expect(quote.amountOut).toBe(10);
    expect(quote.amountIn).toBeCloseTo(net / 0.9975, 5);
    expect(quote.feeBps).toBeCloseTo(25, 9);
    expect(quote.fee).toBeCloseTo(quote.amountIn * 0.0025, 9);
    expect(quote.price).toBeCloseTo(quote.amountIn / 10, 9);
    expect(quote.priceImpactBps).toBeCloseTo((1000 / 990 - 1) * 10_000, 2);
  });

  it('prices a sell with 25 bps taken from the BASE input before the curve', () => {
    const quote = quoteCpmm(pool(), 'sell', 10)!;
    const net = 10 * 0.9975;
    expect(quote.amountIn).toBe(10);
    expect(quote.amountOut).toBeCloseTo((140_000 * net) / (1_000 + net), 5);
    expect(quote.feeBps).toBeCloseTo(25, 9);
    expect(quote.price).toBeCloseTo(quote.amountOut / 10, 9);
  });

  it('never lets k decrease, and grows it by the fee', () => {
    const p = pool();
    let k = p.base * p.quote;
    for (const [side, amount] of [['buy', 10], ['sell', 25], ['buy', 0.001], ['sell', 300], ['buy', 500]] as const) {
      swapCpmm(p, side, amount);
      const next = p.base * p.quote;
      expect(next).toBeGreaterThan(k);
      k = next;
    }
  });

  it('buys above the mid and sells below it', () => {
    const p = pool();
    const mid = cpmmMidPrice(p);
    for (const size of [0.001, 1, 100]) {
      expect(quoteCpmm(p, 'buy', size)!.price).toBeGreaterThan(mid);
      expect(quoteCpmm(p, 'sell', size)!.price).toBeLessThan(mid);
    }
  });

  it('has price impact that grows with size on both sides', () => {
    const p = pool();
    for (const side of ['buy', 'sell'] as const) {
      const impacts = [1, 10, 100, 500].map((size) => quoteCpmm(p, side, size)!.priceImpactBps);
      for (let i = 1; i < impacts.length; i++) expect(impacts[i]).toBeGreaterThan(impacts[i - 1]!);
    }
  });

  it('cannot buy the whole BASE reserve or more', () => {
    expect(quoteCpmm(pool(), 'buy', 1_000)).toBeNull();
    expect(quoteCpmm(pool(), 'buy', 5_000)).toBeNull();
    expect(quoteCpmm(pool(), 'buy', 999)).not.toBeNull();
  });

  it('quotes without moving the pool and swaps exactly what it quoted', () => {
    const p = pool();
    const quote = quoteCpmm(p, 'buy', 10);
    expect(p.base).toBe(1_000);
    expect(swapCpmm(p, 'buy', 10)).toEqual(quote);
    expect(p.base).toBe(990);
    expect(p.quote).toBeCloseTo(140_000 + quote!.amountIn, 9);
  });

  it('computes the order that moves the mid to a target price', () => {
    const p = pool();
    const order = cpmmOrderToward(p, 150)!;
    expect(order.side).toBe('buy');
    swapCpmm(p, order.side, order.amount);
    // The fee stays in the pool, so the move slightly overshoots; within a fraction of the fee.
    expect(cpmmMidPrice(p)).toBeCloseTo(150, 0);
    expect(cpmmOrderToward(p, 130)!.side).toBe('sell');
  });
});
