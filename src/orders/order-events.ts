import { ERRORS, type ErrorCode } from '../errors.js';
import { formatPrice, formatUnits } from '../protocol/decimal.js';
import type { BuildingEvent, CancelledEvent, ConfirmedEvent, ExpiredEvent, FailedEvent, OpenEvent, RestingQuote, RoutingEvent, SubmittedEvent } from '../protocol/server-messages.js';
import { wireTerms, type Terms } from './resting-terms.js';
import { sideDecimals, toWireLimit, toWireQuote, toWireRoute } from './wire-quote.js';
import type { Dex, PairSpec, Quote, RouteDecision, SlippageLimit } from '../venues/types.js';
import type { Order } from './order.js';

/** An order event before the store has given it its seq. */
export type Draft<E> = Omit<E, 'seq'>;

/** Why an order failed, as its `failed` event tells the client. */
export interface Failure {
  readonly code: ErrorCode;
  /** What the client reads; the code's catalogue message when left out. */
  readonly message?: string;
  readonly attempts: number;
  /** The venue and signature, when the order got that far. */
  readonly dex?: Dex | 'split' | null;
  readonly txHash?: string | null;
}

/** What made a resting order go: when its condition held, and the price that made it hold. */
export interface Triggered {
  readonly triggeredAt: number;
  /** Already in wire decimals. */
  readonly price: string;
}

/** The event of an order a worker has taken up (or a resting one that triggered): it is being routed. */
export function routingEvent(orderId: string, ts: number, triggered?: Triggered): Draft<RoutingEvent> {
  return { type: 'order', orderId, status: 'routing', ...(triggered && { triggeredAt: triggered.triggeredAt, price: triggered.price }), ts };
}

/** The event of an order that rests: its terms, and the best the market offers its size now. */
export function openEvent(order: Terms & Pick<Order, 'id'>, reason: OpenEvent['reason'], quote: RestingQuote | null, ts: number, message?: string): Draft<OpenEvent> {
  return {
    type: 'order',
    orderId: order.id,
    status: 'open',
    orderType: order.type as OpenEvent['orderType'],
    side: order.side,
    pair: order.pair,
    amount: order.amount,
    ...wireTerms(order),
    quote,
    reason,
    ...(message !== undefined && { message }),
    ts,
  };
}

/** The event of a routed order: the venue, every quote and the slippage bound, in wire decimals. */
export function buildingEvent(
  order: Pick<Order, 'id' | 'side'>,
  decision: RouteDecision,
  limit: SlippageLimit,
  pair: PairSpec,
  ts: number,
): Draft<BuildingEvent> {
  return {
    type: 'order',
    orderId: order.id,
    status: 'building',
    dex: decision.route.kind,
    side: order.side,
    route: toWireRoute(decision.route, pair),
    quotes: decision.quotes.map((quote) => toWireQuote(quote, pair)),
    limit: toWireLimit(limit, pair),
    reason: decision.reason,
    ts,
  };
}

/** The event of an order whose transaction the chain accepted. */
export function submittedEvent(orderId: string, tx: { readonly dex: Dex | 'split'; readonly txHash: string }, ts: number): Draft<SubmittedEvent> {
  return { type: 'order', orderId, status: 'submitted', dex: tx.dex, txHash: tx.txHash, ts };
}

/** What a landed transaction filled, over all its legs. */
export type Fill = Pick<Quote, 'side' | 'amountIn' | 'amountOut' | 'fee' | 'price'> & { readonly dex: Dex | 'split' };

/** The event of an order whose swap landed and filled, amounts and price in wire decimals. */

export function confirmedEvent(orderId: string, txHash: string, fill: Fill, pair: PairSpec, ts: number): Draft<ConfirmedEvent> {
  const decimals = sideDecimals(pair, fill.side);
  return {
    type: 'order',
    orderId,
    status: 'confirmed',
    dex: fill.dex,
    txHash,
    executedPrice: formatPrice(fill.price, pair.quote.decimals),
    amountIn: formatUnits(fill.amountIn, decimals.in),
    amountOut: formatUnits(fill.amountOut, decimals.out),
    fee: formatUnits(fill.fee, pair.quote.decimals),
    ts,
  };
}

/** The event of an order that ended in `failed`; venue and signature appear only when it has them. */
export function failedEvent(orderId: string, failure: Failure, ts: number): Draft<FailedEvent> {
  const { code, attempts, dex, txHash } = failure;
  return {
    type: 'order',
    orderId,
    status: 'failed',
    error: { code, message: failure.message ?? ERRORS[code].message },
    attempts,
    ...(dex !== undefined && dex !== null && { dex }),
    ...(txHash !== undefined && txHash !== null && { txHash }),
    ts,
  };
}

/** The code's catalogue message followed by what happened to this order. */
export function failureMessage(code: ErrorCode, reason: string): string {
  return `${ERRORS[code].message}: ${reason}`;
}

/** The event of an order that ran out of time (by default: its deadline passed before its transaction was sent). */
export function expiredEvent(orderId: string, message: string, ts: number, code: ErrorCode = 'DEADLINE_EXCEEDED'): Draft<ExpiredEvent> {
  return { type: 'order', orderId, status: 'expired', error: { code, message }, ts };
}

/** The event of an order that was cancelled before its transaction was signed. */
export function cancelledEvent(orderId: string, reason: string, ts: number): Draft<CancelledEvent> {
  return { type: 'order', orderId, status: 'cancelled', reason, ts };
}
