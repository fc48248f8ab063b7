import type { Dex, Side } from '../venues/types.js';

/** Every status an order can have, in lifecycle order. */
export const ORDER_STATUSES = ['pending', 'routing', 'building', 'submitted', 'confirmed', 'failed'] as const;
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
  readonly dex: Dex;
  readonly side: Side;
  readonly quotes: readonly WireQuote[];
  readonly limit: WireLimit;
  readonly reason: string;
}
export interface SubmittedEvent extends OrderEventBase {
  readonly status: 'submitted';
  readonly dex: Dex;
  readonly txHash: string;
}
export interface ConfirmedEvent extends OrderEventBase {
  readonly status: 'confirmed';
  readonly dex: Dex;
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
  readonly dex?: Dex;
  readonly txHash?: string;
}
export type OrderEvent = RoutingEvent | BuildingEvent | SubmittedEvent | ConfirmedEvent | FailedEvent;

/** Anything that carries an order's progress: the ack is event seq 1. */
export type OrderUpdate = AckMessage | OrderEvent;

export interface ErrorMessage {
  readonly type: 'error';
  readonly reqId?: string;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly retryable: boolean;
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

export type ServerMessage = OrderUpdate | ErrorMessage | PongMessage | HelloMessage;

/** Serializes a server message; the one place wire JSON is produced. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
