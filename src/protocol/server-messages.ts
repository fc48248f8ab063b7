// The wire's vocabulary and the market-data messages live in their own files; this one holds the
// order messages and the union of everything the server sends.
export * from './wire-types.js';
export * from './market-messages.js';
import type { Dex, OrderStatus, OrderType, Side, TimeInForce, WireLimit, WireQuote } from './wire-types.js';
import type { ChannelSubscribedMessage, QuoteMessage, TickerMessage, UnsubscribedMessage, WireRouteLeg } from './market-messages.js';

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

/**
 * The terms a resting order waits on, as the wire names them; each type has its own. A sniper's
 * `amount` is not BASE but the QUOTE it spends (`spend`).
 */
export interface RestingTerms {
  /** Limit: the worst effective price accepted (QUOTE per BASE, fees included). */
  readonly limitPrice?: string;
  /** Stop: the reference price that triggers it, and from which side. */
  readonly triggerPrice?: string;
  readonly trigger?: 'above' | 'below';
  /** Sniper: the QUOTE to spend and the worst effective price it pays. */
  readonly spend?: string;
  readonly maxPrice?: string;
  readonly timeInForce?: TimeInForce;
  /** When it stops resting (GTD, or a sniper's own), ms since the epoch. */
  readonly expireAt?: number;
}

/** An order's current state, as `get` and `list` return it. */
export interface OrderSnapshot extends RestingTerms {
  readonly orderId: string;
  readonly clientOrderId: string | null;
  readonly type: OrderType;
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

export interface CancelledMessage {
  readonly type: 'cancelled';
  readonly reqId?: string;
  readonly orderId: string;
  readonly seq: number;
}

/** The reply to `amend`: the order's `open` event with the new terms (seq `seq`) follows. */
export interface AmendedMessage {
  readonly type: 'amended';
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

/** The reply to `cancelAllAfter`: when the switch fires unless sent again (ms since the epoch), or 0 once disarmed. */
export interface CancelAllAfterReply {
  readonly type: 'cancel_all_after';
  readonly reqId?: string;
  readonly triggerAt: number;
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
  /** A resting order's trigger: when its condition held, ms since the epoch. */
  readonly triggeredAt?: number;
  /** The price that triggered it: a stop's reference price, a limit's (or sniper's) effective quote. */
  readonly price?: string;
}
/** The best the market offers a resting order's whole size right now (null: no venue can fill it, or no pool yet). */
export interface RestingQuote {
  readonly dex: Dex | 'split';
  /** Effective price, QUOTE per BASE, fees included. */
  readonly price: string;
  /** The pair's reference price: what a stop compares with. */
  readonly reference: string;
  readonly slot: number;
}
/** A resting order: waiting for its condition (the terms say which), with the market as it stands. */
export interface OpenEvent extends OrderEventBase, RestingTerms {
  readonly status: 'open';
  readonly orderType: Exclude<OrderType, 'market'>;
  readonly side: Side;
  readonly pair: string;
  /** BASE (a sniper: the QUOTE it spends). */
  readonly amount: string;
  readonly quote: RestingQuote | null;
  /** Why it rests now: placed, amended, or back after a trigger that could not fill within its limit. */
  readonly reason: 'placed' | 'amended' | 'reopened';
  readonly message?: string;
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
export type OrderEvent = OpenEvent | RoutingEvent | BuildingEvent | SubmittedEvent | ConfirmedEvent | FailedEvent | CancelledEvent | ExpiredEvent;

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
  | AmendedMessage
  | CancelledAllMessage
  | CancelAllAfterReply
  | PairsMessage;

/** Serializes a server message; the one place wire JSON is produced. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
