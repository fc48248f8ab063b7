import type { RestingTerms } from '../protocol/server-messages.js';
import type { Route, Side, SlippageLimit } from '../venues/types.js';
import type { Order } from './order.js';

/** The fields of an order that say what it waits for. */
export type Terms = Pick<Order, 'type' | 'side' | 'pair' | 'amount' | 'limitPrice' | 'triggerPrice' | 'trigger' | 'timeInForce' | 'expireAt'>;

/** Market orders run at once; every other type rests in `open` until its condition holds. */
export const rests = (order: Pick<Order, 'type'>): boolean => order.type !== 'market';

/** A resting type whose fill is bounded by its own price (limit, sniper), not by slippage from a quote (stop). */
export const pricedByLimit = (order: Pick<Order, 'type'>): boolean => order.type === 'limit' || order.type === 'sniper';

/** True when the order may rest again after a trigger that could not fill (GTC, GTD and snipers; never IOC). */
export const mayRestAgain = (order: Pick<Order, 'type' | 'timeInForce'>): boolean => order.type !== 'market' && order.type !== 'stop' && order.timeInForce !== 'IOC';

/** True once a GTD order's (or a sniper's) `expireAt` has come. */
export const pastExpiry = (order: Pick<Order, 'expireAt'>, nowMs: number): boolean => order.expireAt !== null && nowMs >= order.expireAt;

/**
 * The bound a fill at `price` (QUOTE per BASE, fees included) puts on a swap of `base` BASE: a buy
 * pays at most price × base, a sell receives at least that. For a limit order it is the limit
 * itself, so the fill can never be worse, whatever the pool does before the swap lands.
 */
export function priceLimit(side: Side, base: number, price: number, spend?: number): SlippageLimit {
  const bound = base * price;
  return side === 'buy' ? { side: 'buy', maxAmountIn: spend === undefined ? bound : Math.min(spend, bound) } : { side: 'sell', minAmountOut: bound };
}

/** The effective price of a routed size (QUOTE per BASE, fees included): what a limit is compared with. */
export function effectivePrice(route: Route): number {
  return route.side === 'buy' ? route.amountIn / route.amountOut : route.amountOut / route.amountIn;
}

/** True when a fill at `price` is at least as good as `limit` for this side. */
export function meetsLimit(side: Side, price: number, limit: number): boolean {
  return side === 'buy' ? price <= limit : price >= limit;
}

/** True when a stop's condition holds at this reference price. */
export function stopTriggers(trigger: 'above' | 'below', triggerPrice: number, reference: number): boolean {
  return trigger === 'above' ? reference >= triggerPrice : reference <= triggerPrice;
}

/** Iterations of the bisection that sizes a sniper's buy: 2^-40 of the first guess, far below a token's decimals. */
const SIZE_STEPS = 40;

/**
 * The most BASE that `spend` QUOTE buys (fees and impact included), given what a buy of a size
 * costs (`costOf`: QUOTE in, or null when no venue can fill it). Found by bisection: the cost grows
 * with the size. Null when not even a tiny size can be bought.
 */
export function sizeForSpend(spend: number, costOf: (base: number) => number | null, startPrice: number, minSize: number): number | null {
  let low = 0;
  let high = spend / startPrice;
  // Grow the bracket until the cost exceeds the spend (or no venue can fill it).
  for (let i = 0; i < 60; i++) {
    const cost = costOf(high);
    if (cost === null || cost > spend) break;
    low = high;
    high *= 2;
  }
  for (let i = 0; i < SIZE_STEPS; i++) {
    const mid = (low + high) / 2;
    const cost = costOf(mid);
    if (cost !== null && cost <= spend) low = mid;
    else high = mid;
  }
  return low >= minSize ? low : null;
}

/** An order's terms as they go on the wire (in its `open` events and snapshots): only those of its type. */
export function wireTerms(order: Terms): RestingTerms {
  const expiry = order.expireAt === null ? {} : { expireAt: order.expireAt };
  switch (order.type) {
    case 'market':
      return {};
    case 'limit':
      return { limitPrice: order.limitPrice!, timeInForce: order.timeInForce!, ...expiry };
    case 'stop':
      return { triggerPrice: order.triggerPrice!, trigger: order.trigger!, timeInForce: order.timeInForce!, ...expiry };
    case 'sniper':
      return { spend: order.amount, maxPrice: order.limitPrice!, ...expiry };
  }
}

/** The room a sniper leaves for the price to climb before its transaction lands (competing snipers buy in the same slots). */
export const SNIPER_HEADROOM = 0.25;

/**
 * The BASE a sniper buys: what `spend` buys at the price it may still pay when it lands, the lower
 * of its maxPrice and the price now plus SNIPER_HEADROOM. Its limit is the spend itself, so it pays
 * at most `spend` and at most maxPrice a token, and fills unless the price climbs past that before
 * it lands. Rounded down to whole token units; null when no venue can fill a tiny size.
 */
export function sniperSize(spend: number, maxPrice: number, costOf: (base: number) => number | null, reference: number, unit: number): number | null {
  const now = sizeForSpend(spend / (1 + SNIPER_HEADROOM), costOf, reference, unit);
  if (now === null) return null;
  const decimals = Math.max(0, Math.round(-Math.log10(unit)));
  // Whole units, as a decimal of the token's places (no float noise such as 12.345678000000001).
  const size = Number((Math.floor(Math.max(now, spend / maxPrice) / unit + 1e-9) * unit).toFixed(decimals));
  return size >= unit ? size : null;
}
