import type { VenueQuote } from './types.js';

/** Throws unless `amount` is a positive finite number (what every quote and fill asks for). */
export function checkAmount(amount: number): void {
  if (!(Number.isFinite(amount) && amount > 0)) throw new RangeError(`amount must be a positive number, got ${amount}`);
}

/** Scales to integer units, snapping values that are only float noise away from a whole unit. */
function toUnits(value: number, decimals: number, round: (n: number) => number): number {
  const scale = 10 ** decimals;
  const scaled = value * scale;
  const nearest = Math.round(scaled);
  // 1.005 * 1000 is 1004.9999999999999: without the snap a user's exact amount would lose a unit.
  if (Math.abs(scaled - nearest) <= Math.abs(scaled) * 1e-12) return nearest / scale;
  return round(scaled) / scale;
}

/** Rounds down to a token's decimals (what a pool pays out). */
export function floorTo(value: number, decimals: number): number {
  return toUnits(value, decimals, Math.floor);
}

/** Rounds up to a token's decimals (what a pool charges). */
export function ceilTo(value: number, decimals: number): number {
  return toUnits(value, decimals, Math.ceil);
}

/** Builds a buy quote (exact BASE out) from its amounts, the QUOTE fee inside amountIn and the pool's mid price. */
export function buyQuote(amountOut: number, amountIn: number, fee: number, mid: number): VenueQuote {
  const preFeePrice = (amountIn - fee) / amountOut;
  return {
    side: 'buy',
    amountIn,
    amountOut,
    price: amountIn / amountOut,
    fee,
    feeBps: (fee / amountIn) * 10_000,
    priceImpactBps: Math.max(0, (preFeePrice / mid - 1) * 10_000),
  };
}

/** Builds a sell quote (exact BASE in) from its amounts, the BASE fee inside amountIn and the pool's mid price. */
export function sellQuote(amountIn: number, amountOut: number, baseFee: number, mid: number): VenueQuote {
  const preFeePrice = amountOut / (amountIn - baseFee);
  return {
    side: 'sell',
    amountIn,
    amountOut,
    price: amountOut / amountIn,
    // The BASE fee valued at the price the rest of the input got.
    fee: baseFee * preFeePrice,
    feeBps: (baseFee / amountIn) * 10_000,
    priceImpactBps: Math.max(0, (1 - preFeePrice / mid) * 10_000),
  };
}
