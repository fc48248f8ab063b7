import { buyQuote, ceilTo, floorTo, sellQuote } from './amounts.js';
import type { PoolOrder, Side, VenueQuote } from './types.js';

/** Raydium CPMM's trade fee, taken from the input token. */
export const RAYDIUM_FEE_BPS = 25;

/**
 * A constant-product pool. A mutable record owned by one market: `quoteCpmm` only reads it,
 * `swapCpmm` updates the reserves in place. The whole input, fee included, stays in the reserves
 * (LP fees compound in a CPMM pool), so k = base × quote never decreases.
 */
export interface CpmmPool {
  base: number;
  quote: number;
  readonly feeBps: number;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
}

export interface CpmmOptions {
  readonly baseReserve: number;
  readonly quoteReserve: number;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  readonly feeBps?: number;
}

/** Creates a constant-product pool from its reserves. */
export function createCpmmPool(options: CpmmOptions): CpmmPool {
  const { baseReserve, quoteReserve, baseDecimals, quoteDecimals, feeBps = RAYDIUM_FEE_BPS } = options;
  if (!(baseReserve > 0 && quoteReserve > 0)) throw new RangeError('CPMM reserves must be positive');
  return { base: baseReserve, quote: quoteReserve, feeBps, baseDecimals, quoteDecimals };
}

/** The pool's marginal price before fees, QUOTE per BASE. */
export function cpmmMidPrice(pool: CpmmPool): number {
  return pool.quote / pool.base;
}

/** The pool's value in QUOTE at its mid price: both reserves, the BASE one marked at the mid. */
export function cpmmLiquidity(pool: CpmmPool): number {
  return pool.base * cpmmMidPrice(pool) + pool.quote;
}

/** Quotes `amount` BASE out (buy, exact output) or in (sell, exact input); null when the pool cannot fill it. */
export function quoteCpmm(pool: CpmmPool, side: Side, amount: number): VenueQuote | null {
  const fee = pool.feeBps / 10_000;
  const mid = cpmmMidPrice(pool);
  const size = floorTo(amount, pool.baseDecimals);
  if (!(size > 0)) return null;
  if (side === 'buy') {
    if (size >= pool.base) return null;
    // x·y = k on the fee-less part of the input: (base − size)(quote + net) = base·quote.
    const net = (pool.quote * size) / (pool.base - size);
    const amountIn = ceilTo(net / (1 - fee), pool.quoteDecimals);
    return buyQuote(size, amountIn, amountIn * fee, mid);
  }
  const baseFee = size * fee;
  const net = size - baseFee;
  const amountOut = floorTo((pool.quote * net) / (pool.base + net), pool.quoteDecimals);
  if (!(amountOut > 0)) return null;
  return sellQuote(size, amountOut, baseFee, mid);
}

/** Executes the swap `quoteCpmm` describes, updating the pool's reserves in place. */
export function swapCpmm(pool: CpmmPool, side: Side, amount: number): VenueQuote | null {
  const quote = quoteCpmm(pool, side, amount);
  if (!quote) return null;
  if (side === 'buy') {
    pool.base -= quote.amountOut;
    pool.quote += quote.amountIn;
  } else {
    pool.base += quote.amountIn;
    pool.quote -= quote.amountOut;
  }
  return quote;
}

/** The order that moves the pool's mid price to about `price` (fees ignored), or null if it is already there. */
export function cpmmOrderToward(pool: CpmmPool, price: number): PoolOrder | null {
  const targetBase = Math.sqrt((pool.base * pool.quote) / price);
  const amount = Math.abs(targetBase - pool.base);
  if (!(amount > 0)) return null;
  return { side: targetBase < pool.base ? 'buy' : 'sell', amount };
}
