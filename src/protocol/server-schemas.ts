import * as v from 'valibot';
import { DEXES, ORDER_STATUSES, ORDER_TYPES, SIDES, TIMES_IN_FORCE } from './wire-types.js';

// What the server sends, as valibot schemas: the source the AsyncAPI document (docs/asyncapi.yaml)
// is generated from, kept equal to the TypeScript types the engine builds its messages with by the
// type checks in tests/unit/protocol/asyncapi.test.ts. The engine never parses these at run
// time; the tests validate every message they receive against the generated document.

const decimal = v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/), v.description('a decimal number as a string'));
const ms = v.pipe(v.number(), v.integer(), v.description('ms since the epoch'));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const seq = v.pipe(v.number(), v.integer(), v.minValue(1));
const uuid = v.pipe(v.string(), v.uuid());
const reqId = v.optional(v.string());
const dex = v.picklist(DEXES);
const route = v.picklist([...DEXES, 'split']);
const side = v.picklist(SIDES);
const status = v.picklist(ORDER_STATUSES);
const error = v.strictObject({ code: v.string(), message: v.string() });

const wireQuote = v.strictObject({ dex, price: decimal, amountIn: decimal, amountOut: decimal, fee: decimal, feeBps: v.number(), priceImpactBps: v.number() });
const routeLeg = v.union([v.strictObject({ dex, amount: decimal, amountIn: decimal }), v.strictObject({ dex, amount: decimal, amountOut: decimal })]);
const limit = v.union([v.strictObject({ maxAmountIn: decimal }), v.strictObject({ minAmountOut: decimal })]);
const restingTerms = {
  limitPrice: v.optional(decimal),
  triggerPrice: v.optional(decimal),
  trigger: v.optional(v.picklist(['above', 'below'])),
  spend: v.optional(decimal),
  maxPrice: v.optional(decimal),
  timeInForce: v.optional(v.picklist(TIMES_IN_FORCE)),
  expireAt: v.optional(ms),
};

export const AckSchema = v.pipe(
  v.strictObject({ type: v.literal('ack'), reqId, orderId: uuid, clientOrderId: v.optional(v.string()), status: v.literal('pending'), seq: v.literal(1), ts: ms }),
  v.description('A new order is durable and queued: its event seq 1. Its events follow on this socket.'),
);
export const DuplicateAckSchema = v.pipe(
  v.strictObject({ type: v.literal('ack'), reqId, orderId: uuid, clientOrderId: v.string(), status, duplicate: v.literal(true), lastSeq: seq, ts: ms }),
  v.description('The clientOrderId already names an order: that order as it stands (no second order is made). Its events after the ack are replayed, then streamed.'),
);

const eventBase = { type: v.literal('order'), orderId: uuid, seq, ts: ms } as const;
export const OpenEventSchema = v.pipe(
  v.strictObject({
    ...eventBase,
    ...restingTerms,
    status: v.literal('open'),
    orderType: v.picklist(ORDER_TYPES.filter((type) => type !== 'market') as ['limit', 'stop', 'sniper']),
    side,
    pair: v.string(),
    amount: decimal,
    quote: v.nullable(v.strictObject({ dex: route, price: decimal, reference: decimal, slot: count })),
    reason: v.picklist(['placed', 'amended', 'reopened']),
    message: v.optional(v.string()),
  }),
  v.description('A resting order waits for its condition, with the market as it stands.'),
);
export const RoutingEventSchema = v.pipe(
  v.strictObject({ ...eventBase, status: v.literal('routing'), triggeredAt: v.optional(ms), price: v.optional(decimal) }),
  v.description('A worker took the order up and is routing it (a resting order: its condition held at `price`).'),
);
export const BuildingEventSchema = v.pipe(
  v.strictObject({ ...eventBase, status: v.literal('building'), dex: route, side, route: v.array(routeLeg), quotes: v.array(wireQuote), limit, reason: v.string() }),
  v.description('The route is chosen (every venue quote, the legs, the slippage bound); the transaction is being built.'),
);
export const SubmittedEventSchema = v.pipe(
  v.strictObject({ ...eventBase, status: v.literal('submitted'), dex: route, txHash: v.string() }),
  v.description('The chain accepted the signed transaction; it lands in a later slot.'),
);
export const ConfirmedEventSchema = v.pipe(
  v.strictObject({ ...eventBase, status: v.literal('confirmed'), dex: route, txHash: v.string(), executedPrice: decimal, amountIn: decimal, amountOut: decimal, fee: decimal }),
  v.description('The swap landed and filled: terminal.'),
);
export const FailedEventSchema = v.pipe(
  v.strictObject({ ...eventBase, status: v.literal('failed'), error, attempts: count, dex: v.optional(route), txHash: v.optional(v.string()) }),
  v.description('The order failed (slippage, liquidity, execution): terminal.'),
);
export const CancelledEventSchema = v.pipe(v.strictObject({ ...eventBase, status: v.literal('cancelled'), reason: v.string() }), v.description('Cancelled before its transaction was signed: terminal.'));
export const ExpiredEventSchema = v.pipe(
  v.strictObject({ ...eventBase, status: v.literal('expired'), error }),
  v.description('Its deadline or expireAt passed before its transaction was sent (it never was): terminal.'),
);
export const OrderEventSchema = v.variant('status', [
  OpenEventSchema,
  RoutingEventSchema,
  BuildingEventSchema,
  SubmittedEventSchema,
  ConfirmedEventSchema,
  FailedEventSchema,
  CancelledEventSchema,
  ExpiredEventSchema,
]);
const OrderUpdateSchema = v.union([AckSchema, OrderEventSchema]);

export const OrderSnapshotSchema = v.strictObject({
  ...restingTerms,
  orderId: uuid,
  clientOrderId: v.nullable(v.string()),
  type: v.picklist(ORDER_TYPES),
  side,
  pair: v.string(),
  amount: decimal,
  slippageBps: count,
  status,
  dex: v.nullable(route),
  txHash: v.nullable(v.string()),
  executedPrice: v.nullable(decimal),
  amountOut: v.nullable(decimal),
  error: v.nullable(error),
  attempts: count,
  lastSeq: seq,
  createdAt: ms,
  updatedAt: ms,
});
export const OrderStateSchema = v.pipe(
  v.strictObject({ type: v.literal('order_state'), reqId, order: OrderSnapshotSchema, events: v.array(OrderUpdateSchema) }),
  v.description('The reply to `get`: the order as it stands and every event it has had.'),
);
export const OrdersSchema = v.pipe(
  v.strictObject({ type: v.literal('orders'), reqId, orders: v.array(OrderSnapshotSchema), next: v.nullable(v.string()) }),
  v.description('The reply to `list`: a page of orders, newest first; `next` is the cursor of the next page (null: the last).'),
);
export const SubscribedSchema = v.pipe(
  v.strictObject({ type: v.literal('subscribed'), reqId, orderId: uuid, fromSeq: count, status, lastSeq: seq }),
  v.description('The reply to an order subscribe: the events after fromSeq follow, then the live ones.'),
);
export const ChannelSubscribedSchema = v.pipe(
  v.strictObject({ type: v.literal('subscribed'), reqId, channel: v.literal('ticker'), pair: v.string() }),
  v.description('The reply to a ticker subscribe: `ticker` messages for the pair follow, at most one per slot.'),
);
export const UnsubscribedSchema = v.pipe(v.strictObject({ type: v.literal('unsubscribed'), reqId, channel: v.literal('ticker'), pair: v.string() }), v.description('No more tickers of the pair on this socket.'));
export const TickerSchema = v.pipe(
  v.strictObject({
    type: v.literal('ticker'),
    pair: v.string(),
    slot: count,
    ts: ms,
    reference: decimal,
    venues: v.array(v.strictObject({ dex, mid: decimal, liquidity: decimal })),
  }),
  v.description("A pair's market at one slot: the reference price and each venue's mid price and liquidity."),
);
export const QuoteReplySchema = v.pipe(
  v.strictObject({ type: v.literal('quote'), reqId, pair: v.string(), side, amount: decimal, slot: count, quotes: v.array(wireQuote), best: route, route: v.array(routeLeg), ts: ms }),
  v.description('The reply to `quote`: every venue quote for the whole size and the route the engine would take now.'),
);
export const CancelledSchema = v.pipe(v.strictObject({ type: v.literal('cancelled'), reqId, orderId: uuid, seq }), v.description('The reply to `cancel`: the order is cancelled (its cancelled event has seq `seq`).'));
export const AmendedSchema = v.pipe(v.strictObject({ type: v.literal('amended'), reqId, orderId: uuid, seq }), v.description('The reply to `amend`: its `open` event with the new terms (seq `seq`) follows.'));
export const CancelledAllSchema = v.pipe(
  v.strictObject({ type: v.literal('cancelled_all'), reqId, count, orderIds: v.array(uuid) }),
  v.description('The reply to `cancelAll`: the orders it cancelled.'),
);
export const CancelAllAfterReplySchema = v.pipe(
  v.strictObject({ type: v.literal('cancel_all_after'), reqId, triggerAt: count }),
  v.description('The reply to `cancelAllAfter`: when the dead-man switch fires unless sent again (ms since the epoch), or 0 once disarmed.'),
);
const token = v.strictObject({ symbol: v.string(), decimals: count });
export const PairsReplySchema = v.pipe(
  v.strictObject({ type: v.literal('pairs'), reqId, pairs: v.array(v.strictObject({ symbol: v.string(), base: token, quote: token, venues: v.array(dex), live: v.boolean() })) }),
  v.description('The reply to `pairs`: the traded pairs, their venues, and whether market data has a pool of each now.'),
);
export const ErrorSchema = v.pipe(
  v.strictObject({
    type: v.literal('error'),
    reqId,
    code: v.string(),
    message: v.string(),
    field: v.optional(v.string()),
    retryable: v.boolean(),
    status: v.optional(status),
    retryAfterMs: v.optional(count),
  }),
  v.description('A request could not be served: a stable code (docs/protocol.md lists them), the field at fault, and whether (and when) to retry.'),
);
export const PongSchema = v.pipe(v.strictObject({ type: v.literal('pong'), reqId, ts: ms }), v.description('The reply to `ping`.'));
export const HelloSchema = v.pipe(v.strictObject({ type: v.literal('hello'), protocol: v.literal(1), pairs: v.array(v.string()), ts: ms }), v.description('Sent once a socket opens.'));

/** Every server message by its AsyncAPI name, in the order the document lists them. */
export const SERVER_MESSAGES = {
  hello: HelloSchema,
  ack: AckSchema,
  duplicateAck: DuplicateAckSchema,
  openEvent: OpenEventSchema,
  routingEvent: RoutingEventSchema,
  buildingEvent: BuildingEventSchema,
  submittedEvent: SubmittedEventSchema,
  confirmedEvent: ConfirmedEventSchema,
  failedEvent: FailedEventSchema,
  cancelledEvent: CancelledEventSchema,
  expiredEvent: ExpiredEventSchema,
  orderState: OrderStateSchema,
  orders: OrdersSchema,
  subscribed: SubscribedSchema,
  channelSubscribed: ChannelSubscribedSchema,
  unsubscribed: UnsubscribedSchema,
  ticker: TickerSchema,
  quote: QuoteReplySchema,
  cancelled: CancelledSchema,
  amended: AmendedSchema,
  cancelledAll: CancelledAllSchema,
  cancelAllAfterReply: CancelAllAfterReplySchema,
  pairs: PairsReplySchema,
  pong: PongSchema,
  error: ErrorSchema,
} as const;
