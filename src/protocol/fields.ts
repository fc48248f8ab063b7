import * as v from 'valibot';
import { SIDES } from './wire-types.js';

// The fields the client messages are made of, each checked once, with the words a client reads.
/** Up to 15 integer digits and 18 decimals, no sign, no exponent: money never goes through a float on the way in. */
export const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d{1,18})?$/;
export const ID = /^[A-Za-z0-9_.:\-]+$/;

export const reqId = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
  // Echoed and stored: printable ASCII only, so no control character reaches a log, a terminal or jsonb.
  v.regex(/^[\x20-\x7e]+$/, 'may contain only printable ASCII characters'),
);

export const amount = v.pipe(
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

export const side = v.picklist(SIDES, 'must be "buy" or "sell"');

export const pair = v.pipe(
  v.string('must be a string like "SOL/USDC"'),
  v.regex(/^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/, 'must look like "SOL/USDC"'),
);

/** A whole number of `unit` from `min` to `max`. */
export const whole = (min: number, max: number, unit: string) =>
  v.pipe(
    v.number(`must be a whole number of ${unit}`),
    v.integer(`must be a whole number of ${unit}`),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

/** A price in QUOTE per BASE: a positive decimal, like an amount. */
export const price = amount;

/** Ms since the epoch: when a GTD order (or a sniper) stops resting. */
export const expireAt = v.pipe(
  v.number('must be a time in ms since the epoch'),
  v.integer('must be a whole number of ms since the epoch'),
  v.minValue(1_000_000_000_000, 'must be a time in ms since the epoch (13 digits)'),
  v.maxValue(9_999_999_999_999, 'must be a time in ms since the epoch (13 digits)'),
);

export const orderId = v.pipe(v.string('must be a string'), v.uuid('must be an order id (a UUID)'));
export const clientOrderId = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
  v.regex(ID, 'may contain only letters, digits and _ . : -'),
);
