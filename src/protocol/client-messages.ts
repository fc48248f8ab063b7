import * as v from 'valibot';
import { ORDER_STATUSES, ORDER_TYPES, SIDES, TIMES_IN_FORCE } from './wire-types.js';

/** Up to 15 integer digits and 18 decimals, no sign, no exponent: money never goes through a float on the way in. */
const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d{1,18})?$/;
const ID = /^[A-Za-z0-9_.:\-]+$/;

const reqId = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
  // Echoed and stored: printable ASCII only, so no control character reaches a log, a terminal or jsonb.
  v.regex(/^[\x20-\x7e]+$/, 'may contain only printable ASCII characters'),
);

const amount = v.pipe(
  v.union(
    [
      v.pipe(v.string(), v.trim()),
      v.pipe(
        v.number(),
        v.finite(),
        v.transform((n) => (Number.isInteger(n) ? n.toFixed(0) : String(n))),
      ),
    ],
    'must be a positive decimal string or number',
  ),
  v.regex(DECIMAL, 'must be a positive decimal such as "1.5" (no sign, no exponent, at most 18 decimals)'),
  v.check((text) => Number(text) > 0, 'must be greater than zero'),
);

const side = v.picklist(SIDES, 'must be "buy" or "sell"');

const pair = v.pipe(
  v.string('must be a string like "SOL/USDC"'),
  v.regex(/^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/, 'must look like "SOL/USDC"'),
);

/** A whole number of `unit` from `min` to `max`. */
const whole = (min: number, max: number, unit: string) =>
  v.pipe(
    v.number(`must be a whole number of ${unit}`),
    v.integer(`must be a whole number of ${unit}`),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const clientOrderIdField = v.optional(
  v.pipe(
    v.string('must be a string'),
    v.minLength(1, 'must not be empty'),
    v.maxLength(64, 'must be at most 64 characters'),
    v.regex(ID, 'may contain only letters, digits and _ . : -'),
  ),
);

/** A price in QUOTE per BASE: a positive decimal, like an amount. */
const price = amount;

/** Ms since the epoch: when a GTD order (or a sniper) stops resting. */
const expireAt = v.pipe(
  v.number('must be a time in ms since the epoch'),
  v.integer('must be a whole number of ms since the epoch'),
  v.minValue(1_000_000_000_000, 'must be a time in ms since the epoch (13 digits)'),
  v.maxValue(9_999_999_999_999, 'must be a time in ms since the epoch (13 digits)'),
);

/** The longest time from the ack (a resting order: from its trigger) to the transaction being sent. */
const deadlineMs = v.optional(whole(100, 60_000, 'milliseconds'), 10_000);

/** What every submit has: an optional reqId and clientOrderId. */
const submitEntries = { op: v.literal('submit'), reqId: v.optional(reqId), clientOrderId: clientOrderIdField } as const;

/** GTD needs `expireAt`, and only GTD takes one: a stray expireAt is never silently ignored. */
const gtdNeedsExpireAt = (order: { timeInForce: string; expireAt?: number }) => (order.timeInForce === 'GTD') === (order.expireAt !== undefined);
const GTD_MESSAGE = 'is required with timeInForce "GTD", and only with it';

/** A market order: routed and sent at once. */
export const MarketSubmitSchema = v.strictObject({
  ...submitEntries,
  type: v.literal('market'),
  side,
  pair,
  amount,
  slippageBps: v.optional(whole(1, 5000, 'basis points'), 50),
  deadlineMs,
});

/** A limit order: fills all at once at `limitPrice` (effective, fees included) or better, or rests. */
export const LimitSubmitSchema = v.pipe(
  v.strictObject({
    ...submitEntries,
    type: v.literal('limit'),
    side,
    pair,
    amount,
    limitPrice: price,
    timeInForce: v.optional(v.picklist(TIMES_IN_FORCE, 'must be "GTC", "GTD" or "IOC"'), 'GTC'),
    expireAt: v.optional(expireAt),
    deadlineMs,
  }),
  v.forward(v.check((order) => gtdNeedsExpireAt(order), GTD_MESSAGE), ['expireAt']),
);

/** A stop (stop-loss or take-profit): a market order once the reference price crosses `triggerPrice`. */
export const StopSubmitSchema = v.pipe(
  v.strictObject({
    ...submitEntries,
    type: v.literal('stop'),
    side,
    pair,
    amount,
    triggerPrice: price,
    trigger: v.picklist(['above', 'below'], 'must be "above" or "below"'),
    slippageBps: v.optional(whole(1, 5000, 'basis points'), 50),
    timeInForce: v.optional(v.picklist(['GTC', 'GTD'], 'must be "GTC" or "GTD" (a stop rests until it triggers)'), 'GTC'),
    expireAt: v.optional(expireAt),
    deadlineMs,
  }),
  v.forward(v.check((order) => gtdNeedsExpireAt(order), GTD_MESSAGE), ['expireAt']),
);

/** A sniper: rests until a pool of `pair` launches, then buys for `spend` QUOTE at no more than `maxPrice`. */
export const SniperSubmitSchema = v.strictObject({
  ...submitEntries,
  type: v.literal('sniper'),
  side: v.literal('buy', 'must be "buy" (a sniper buys a new token)'),
  pair,
  spend: amount,
  maxPrice: price,
  expireAt: v.optional(expireAt),
  deadlineMs,
});


/** Submit an order of any type; `type` chooses which fields it takes. */
export const SubmitSchema = v.variant('type', [MarketSubmitSchema, LimitSubmitSchema, StopSubmitSchema, SniperSubmitSchema]);
export type SubmitMessage = v.InferOutput<typeof SubmitSchema>;

/** Application-level heartbeat. */
export const PingSchema = v.strictObject({ op: v.literal('ping'), reqId: v.optional(reqId) });
export type PingMessage = v.InferOutput<typeof PingSchema>;

const orderId = v.pipe(v.string('must be a string'), v.uuid('must be an order id (a UUID)'));
const clientOrderId = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
  v.regex(ID, 'may contain only letters, digits and _ . : -'),
);

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
