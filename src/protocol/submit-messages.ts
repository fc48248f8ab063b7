// A submit of each order type: the type decides which fields it takes (protocol.md, "submit").
import * as v from 'valibot';
import { TIMES_IN_FORCE } from './wire-types.js';
import { amount, clientOrderId, expireAt, pair, price, reqId, side, whole } from './fields.js';

/** The shortest `deadlineMs` an order may carry. */
export const SHORTEST_DEADLINE_MS = 100;
/** The longest time from the ack (a resting order: from its trigger) to the transaction being sent. */
const deadlineMs = v.optional(whole(SHORTEST_DEADLINE_MS, 60_000, 'milliseconds'), 10_000);

/** What every submit has: an optional reqId and clientOrderId. */
const submitEntries = { op: v.literal('submit'), reqId: v.optional(reqId), clientOrderId: v.optional(clientOrderId) } as const;

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
