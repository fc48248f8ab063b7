import * as v from 'valibot';
import { ORDER_STATUSES, ORDER_TYPES } from './wire-types.js';
import { amount, clientOrderId, expireAt, orderId, pair, price, reqId, side } from './fields.js';
import { SubmitSchema } from './submit-messages.js';

// Submits (one schema per order type) have a file of their own; every other request is here.
export * from './submit-messages.js';

/** Application-level heartbeat. */
export const PingSchema = v.strictObject({ op: v.literal('ping'), reqId: v.optional(reqId) });
export type PingMessage = v.InferOutput<typeof PingSchema>;

/** Names one order by the server's id or the client's own; exactly one of the two. */
const selector = <const TOp extends string>(op: TOp, extra: v.ObjectEntries = {}) =>
  v.pipe(
    v.strictObject({ op: v.literal(op), reqId: v.optional(reqId), orderId: v.optional(orderId), clientOrderId: v.optional(clientOrderId), ...extra }),
    v.forward(
      v.check((message) => (message.orderId === undefined) !== (message.clientOrderId === undefined), 'give exactly one of orderId and clientOrderId'),
      ['orderId'],
    ),
  );

/** Cancel an order that has not been submitted to a venue yet. */
export const CancelSchema = selector('cancel');
export type CancelMessage = v.InferOutput<typeof CancelSchema>;

/** Changes the terms of a resting (`open`) order: at least one term, and the order by exactly one of its ids. */
export const AmendSchema = v.pipe(
  v.strictObject({
    op: v.literal('amend'),
    reqId: v.optional(reqId),
    orderId: v.optional(orderId),
    clientOrderId: v.optional(clientOrderId),
    limitPrice: v.optional(price),
    amount: v.optional(amount),
    triggerPrice: v.optional(price),
    expireAt: v.optional(expireAt),
  }),
  v.forward(
    v.check((message) => (message.orderId === undefined) !== (message.clientOrderId === undefined), 'give exactly one of orderId and clientOrderId'),
    ['orderId'],
  ),
  v.check(
    (message) => [message.limitPrice, message.amount, message.triggerPrice, message.expireAt].some((term) => term !== undefined),
    'give at least one of limitPrice, amount, triggerPrice and expireAt',
  ),
);
export type AmendMessage = v.InferOutput<typeof AmendSchema>;

/** An order's current state and its full event history. */
export const GetSchema = selector('get');
export type GetMessage = v.InferOutput<typeof GetSchema>;

/** Orders newest first, a page at a time (keyset cursor in `before`). */
export const ListSchema = v.strictObject({
  op: v.literal('list'),
  reqId: v.optional(reqId),
  limit: v.optional(
    v.pipe(v.number('must be a whole number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(200, 'must be at most 200')),
    50,
  ),
  before: v.optional(v.pipe(v.string('must be a cursor from a previous page'), v.maxLength(200, 'is not a cursor from a previous page'))),
  status: v.optional(v.picklist(ORDER_STATUSES, `must be one of ${ORDER_STATUSES.join(', ')}`)),
});
export type ListMessage = v.InferOutput<typeof ListSchema>;

/** Replays an order's events after `fromSeq`, then streams the live ones. */
export const OrderSubscribeSchema = v.strictObject({
  op: v.literal('subscribe'),
  // No channel: the order subscribe of the first protocol v1, unchanged.
  channel: v.optional(v.never()),
  reqId: v.optional(reqId),
  orderId,
  fromSeq: v.optional(
    v.pipe(v.number('must be a whole number'), v.integer('must be a whole number'), v.minValue(0, 'must be 0 or more'), v.maxValue(1_000_000, 'is too large')),
    0,
  ),
});
export type OrderSubscribeMessage = v.InferOutput<typeof OrderSubscribeSchema>;

/** The market-data channels a socket can follow. */
export const CHANNELS = ['ticker'] as const;

const channelEntries = { channel: v.literal('ticker', 'must be "ticker"'), reqId: v.optional(reqId), pair } as const;

/** Streams a pair's ticker: at most one `ticker` message per slot. */
export const TickerSubscribeSchema = v.strictObject({ op: v.literal('subscribe'), ...channelEntries });
export type TickerSubscribeMessage = v.InferOutput<typeof TickerSubscribeSchema>;

/** `subscribe` follows an order (no `channel`) or a market-data channel (`channel` names it). */
export const SubscribeSchema = v.variant('channel', [OrderSubscribeSchema, TickerSubscribeSchema]);
export type SubscribeMessage = v.InferOutput<typeof SubscribeSchema>;

/** Stops a pair's ticker on this socket. */
export const UnsubscribeSchema = v.strictObject({ op: v.literal('unsubscribe'), ...channelEntries });
export type UnsubscribeMessage = v.InferOutput<typeof UnsubscribeSchema>;

/** A pre-trade quote for a size, from the latest slot's pools; creates no order. */
export const QuoteSchema = v.strictObject({ op: v.literal('quote'), reqId: v.optional(reqId), pair, side, amount });
export type QuoteMessage = v.InferOutput<typeof QuoteSchema>;

/** Cancel every order of the account that can still be cancelled (only those of `pair`, when given). */
export const CancelAllSchema = v.strictObject({ op: v.literal('cancelAll'), reqId: v.optional(reqId), pair: v.optional(pair) });
export type CancelAllMessage = v.InferOutput<typeof CancelAllSchema>;

/**
 * The dead-man switch: unless sent again within `timeoutMs`, every cancellable order of the
 * account is cancelled; `0` disarms it.
 */
export const CancelAllAfterSchema = v.strictObject({
  op: v.literal('cancelAllAfter'),
  reqId: v.optional(reqId),
  timeoutMs: v.pipe(
    v.number('must be a whole number of milliseconds'),
    v.integer('must be a whole number of milliseconds'),
    v.check((ms) => ms === 0 || (ms >= 1_000 && ms <= 86_400_000), 'must be 0 (to disarm) or from 1000 to 86400000'),
  ),
});
export type CancelAllAfterMessage = v.InferOutput<typeof CancelAllAfterSchema>;

/** The traded pairs and their venues. */
export const PairsSchema = v.strictObject({ op: v.literal('pairs'), reqId: v.optional(reqId) });
export type PairsMessage = v.InferOutput<typeof PairsSchema>;

export const CLIENT_OPS = ['submit', 'amend', 'cancel', 'cancelAll', 'cancelAllAfter', 'get', 'list', 'subscribe', 'unsubscribe', 'quote', 'pairs', 'ping'] as const;
export type ClientOp = (typeof CLIENT_OPS)[number];

/** What a discriminator may be, in words: a value no option matches gets this message. */
const DISCRIMINATORS: Record<string, string> = {
  op: `must be one of ${CLIENT_OPS.join(', ')}`,
  type: `must be one of ${ORDER_TYPES.map((type) => JSON.stringify(type)).join(', ')}`,
  channel: `must be ${CHANNELS.map((channel) => JSON.stringify(channel)).join(' or ')} (or left out, with orderId, to follow an order)`,
};

export const ClientMessageSchema = v.variant(
  'op',
  [SubmitSchema, AmendSchema, CancelSchema, CancelAllSchema, CancelAllAfterSchema, GetSchema, ListSchema, SubscribeSchema, UnsubscribeSchema, QuoteSchema, PairsSchema, PingSchema],
  // valibot reports a nested discriminator (subscribe's `channel`) through this outer schema.
  (issue) => DISCRIMINATORS[String(issue.path?.at(-1)?.key)] ?? issue.message,
);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
