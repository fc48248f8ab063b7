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

export interface AckMessage {
  readonly type: 'ack';
  readonly reqId?: string;
  readonly orderId: string;
  readonly clientOrderId?: string;
  readonly status: 'pending';
  readonly seq: 1;
  readonly ts: number;
}

/** The reply to a submit whose clientOrderId already names an order: that order, as it stands. */
export interface DuplicateAckMessage {
  readonly type: 'ack';
  readonly reqId?: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly duplicate: true;
  readonly lastSeq: number;
  readonly ts: number;
}

/** An order's current state, as `get` and `list` return it. */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly clientOrderId: string | null;
  readonly type: 'market';
  readonly side: Side;
  readonly pair: string;
  readonly amount: string;
  readonly slippageBps: number;
  readonly status: OrderStatus;
  readonly dex: Dex | 'split' | null;
  readonly txHash: string | null;
  readonly executedPrice: string | null;
  readonly amountOut: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly attempts: number;
  readonly lastSeq: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface OrderStateMessage {
  readonly type: 'order_state';
  readonly reqId?: string;
  readonly order: OrderSnapshot;
  readonly events: readonly OrderUpdate[];
}

export interface OrdersMessage {
  readonly type: 'orders';
  readonly reqId?: string;
  readonly orders: readonly OrderSnapshot[];
  /** Pass as `before` to get the next (older) page; null on the last page. */
  readonly next: string | null;
}

/** The reply to an order subscribe. */
export interface SubscribedMessage {
  readonly type: 'subscribed';
  readonly reqId?: string;
  readonly orderId: string;
  readonly fromSeq: number;
  readonly status: OrderStatus;
  readonly lastSeq: number;
}

/** The reply to a ticker subscribe: `ticker` messages for the pair follow, at most one per slot. */
export interface ChannelSubscribedMessage {
  readonly type: 'subscribed';
  readonly reqId?: string;
  readonly channel: 'ticker';
  readonly pair: string;
}

/** The reply to an unsubscribe: no more `ticker` messages for the pair on this socket. */
export interface UnsubscribedMessage {
  readonly type: 'unsubscribed';
  readonly reqId?: string;
  readonly channel: 'ticker';
  readonly pair: string;
}

/** One venue in a ticker: its mid price (QUOTE per BASE, before fees) and pool value (in QUOTE). */
export interface WireVenueTick {
  readonly dex: Dex;
  readonly mid: string;
  readonly liquidity: string;
}

/** A pair's market at one slot, as the chain published it. */
export interface TickerMessage {
  readonly type: 'ticker';
  readonly pair: string;
  readonly slot: number;
  readonly ts: number;
  /** The reference ("CEX") price the arbitrageurs trade the pools toward, QUOTE per BASE. */
  readonly reference: string;
  readonly venues: readonly WireVenueTick[];
}

/**
 * One leg of a route: `amount` BASE through `dex`; a buy pays `amountIn` QUOTE for it, a sell
 * receives `amountOut` QUOTE.
 */
export type WireRouteLeg =
  | { readonly dex: Dex; readonly amount: string; readonly amountIn: string }
  | { readonly dex: Dex; readonly amount: string; readonly amountOut: string };

/** The reply to `quote`: every venue's quote for the whole size and the route the engine would take now. */
export interface QuoteMessage {
  readonly type: 'quote';
  readonly reqId?: string;
  readonly pair: string;
  readonly side: Side;
  /** The size in BASE, as the request gave it. */
  readonly amount: string;
  /** The slot whose pools were quoted. */
  readonly slot: number;
  readonly quotes: readonly WireQuote[];
  readonly best: Dex | 'split';
  readonly route: readonly WireRouteLeg[];
  readonly ts: number;
}

export interface CancelledMessage {
  readonly type: 'cancelled';
  readonly reqId?: string;
  readonly orderId: string;
  readonly seq: number;
}

/** The reply to `cancelAll`: the orders it cancelled (those already past cancelling are left out). */
export interface CancelledAllMessage {
  readonly type: 'cancelled_all';
  readonly reqId?: string;
  readonly count: number;
  readonly orderIds: readonly string[];
}

export interface PairInfo {
  readonly symbol: string;
  readonly base: { readonly symbol: string; readonly decimals: number };
  readonly quote: { readonly symbol: string; readonly decimals: number };
  readonly venues: readonly Dex[];
}

/** A pair in the `pairs` reply: `live` while market data has a pool of it on at least one venue. */
export interface PairStatus extends PairInfo {
  readonly live: boolean;
}

export interface PairsMessage {
  readonly type: 'pairs';
  readonly reqId?: string;
  readonly pairs: readonly PairStatus[];
}

interface OrderEventBase {
  readonly type: 'order';
  readonly orderId: string;
  readonly seq: number;
  readonly ts: number;
}
export interface RoutingEvent extends OrderEventBase {
  readonly status: 'routing';
}
export interface BuildingEvent extends OrderEventBase {
  readonly status: 'building';
  /** The venue, or 'split' when the route uses both (one transaction, a leg on each). */
  readonly dex: Dex | 'split';
  readonly side: Side;
  /** The legs of the route taken (one for a single venue). */
  readonly route: readonly WireRouteLeg[];
  readonly quotes: readonly WireQuote[];
  readonly limit: WireLimit;
  readonly reason: string;
}
export interface SubmittedEvent extends OrderEventBase {
  readonly status: 'submitted';
  readonly dex: Dex | 'split';
  readonly txHash: string;
}
export interface ConfirmedEvent extends OrderEventBase {
  readonly status: 'confirmed';
  readonly dex: Dex | 'split';
  readonly txHash: string;
  readonly executedPrice: string;
  readonly amountIn: string;
  readonly amountOut: string;
  readonly fee: string;
}
export interface FailedEvent extends OrderEventBase {
  readonly status: 'failed';
  readonly error: { readonly code: string; readonly message: string };
  readonly attempts: number;
  readonly dex?: Dex | 'split';
  readonly txHash?: string;
}
export interface CancelledEvent extends OrderEventBase {
  readonly status: 'cancelled';
  readonly reason: string;
}
/** An order that ran out of time before its transaction was sent (it never was). */
export interface ExpiredEvent extends OrderEventBase {
  readonly status: 'expired';
  readonly error: { readonly code: string; readonly message: string };
}
export type OrderEvent = RoutingEvent | BuildingEvent | SubmittedEvent | ConfirmedEvent | FailedEvent | CancelledEvent | ExpiredEvent;

/** Anything that carries an order's progress: the ack is event seq 1. */
export type OrderUpdate = AckMessage | OrderEvent;

export interface ErrorMessage {
  readonly type: 'error';
  readonly reqId?: string;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly retryable: boolean;
  /** NOT_CANCELLABLE: the order's current status. */
  readonly status?: OrderStatus;
  /** RATE_LIMITED: when the budget allows the request again. */
  readonly retryAfterMs?: number;
}

export interface PongMessage {
  readonly type: 'pong';
  readonly reqId?: string;
  readonly ts: number;
}

export interface HelloMessage {
  readonly type: 'hello';
  readonly protocol: 1;
  readonly pairs: readonly string[];
  readonly ts: number;
}

export type ServerMessage =
  | OrderUpdate
  | DuplicateAckMessage
  | ErrorMessage
  | PongMessage
  | HelloMessage
  | OrderStateMessage
  | OrdersMessage
  | SubscribedMessage
  | ChannelSubscribedMessage
  | UnsubscribedMessage
  | TickerMessage
  | QuoteMessage
  | CancelledMessage
  | CancelledAllMessage
  | PairsMessage;

/** Serializes a server message; the one place wire JSON is produced. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
