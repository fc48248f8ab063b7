/** The venues an order can be routed to, by their wire names; the order is the routing tie-break (first wins). */
export const DEXES = ['raydium', 'meteora'] as const;
export type Dex = (typeof DEXES)[number];

/** buy: pay QUOTE for BASE; sell: the reverse. */
export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

/** Every status an order can have, in lifecycle order. */
export const ORDER_STATUSES = ['pending', 'open', 'routing', 'building', 'submitted', 'confirmed', 'failed', 'cancelled', 'expired'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A venue's quote as it goes on the wire: money and prices as decimal strings. */
export interface WireQuote {
  readonly dex: Dex;
  readonly price: string;
  readonly amountIn: string;
  readonly amountOut: string;
  readonly fee: string;
  readonly feeBps: number;
  readonly priceImpactBps: number;
}

/** The bound slippageBps allows: a buy pays at most `maxAmountIn` QUOTE, a sell receives at least `minAmountOut` QUOTE. */
export type WireLimit = { readonly maxAmountIn: string } | { readonly minAmountOut: string };

/** The order types, by their wire names. */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'sniper'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** How long a limit or stop rests: until cancelled, until `expireAt`, or not at all (tried once). */
export const TIMES_IN_FORCE = ['GTC', 'GTD', 'IOC'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];
