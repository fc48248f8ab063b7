import * as v from 'valibot';

/** Up to 15 integer digits and 18 decimals, no sign, no exponent: money never goes through a float on the way in. */
const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d{1,18})?$/;
const ID = /^[A-Za-z0-9_.:\-]+$/;

const reqId = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(64, 'must be at most 64 characters'));

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

/** Submit a market order. */
export const SubmitSchema = v.strictObject(
  {
    op: v.literal('submit'),
    reqId: v.optional(reqId),
    clientOrderId: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.minLength(1, 'must not be empty'),
        v.maxLength(64, 'must be at most 64 characters'),
        v.regex(ID, 'may contain only letters, digits and _ . : -'),
      ),
    ),
    type: v.literal('market', 'must be "market"'),
    side: v.picklist(['buy', 'sell'], 'must be "buy" or "sell"'),
    pair: v.pipe(
      v.string('must be a string like "SOL/USDC"'),
      v.regex(/^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/, 'must look like "SOL/USDC"'),
    ),
    amount,
    slippageBps: v.optional(
      v.pipe(
        v.number('must be a whole number of basis points'),
        v.integer('must be a whole number of basis points'),
        v.minValue(1, 'must be at least 1'),
        v.maxValue(5000, 'must be at most 5000'),
      ),
      50,
    ),
  },
);
export type SubmitMessage = v.InferOutput<typeof SubmitSchema>;

/** Application-level heartbeat. */
export const PingSchema = v.strictObject({ op: v.literal('ping'), reqId: v.optional(reqId) });
export type PingMessage = v.InferOutput<typeof PingSchema>;

export const CLIENT_OPS = ['submit', 'ping'] as const;
export type ClientOp = (typeof CLIENT_OPS)[number];

export const ClientMessageSchema = v.variant('op', [SubmitSchema, PingSchema]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
