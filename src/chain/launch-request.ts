import * as v from 'valibot';
import { LAUNCH_BASE_SYMBOL, LAUNCH_LIMITS } from '../venues/launch.js';
import { QUOTE_TOKENS } from '../venues/pairs.js';
import { DEXES } from '../venues/types.js';
import type { LaunchRequest } from './types.js';

const quoteSymbols = QUOTE_TOKENS.map((token) => token.symbol);

/** "BASE/QUOTE": a new token's symbol (2-12 capitals and digits) against USDC or USDT. */
export const LaunchSymbolSchema = v.pipe(
  v.string('must be a pair such as NEW/USDC'),
  v.check((text) => {
    const [base = '', quote = '', ...rest] = text.split('/');
    return rest.length === 0 && LAUNCH_BASE_SYMBOL.test(base) && quoteSymbols.includes(quote) && base !== quote;
  }, `must be BASE/QUOTE such as NEW/USDC: BASE 2-12 capitals and digits (starting with a capital), QUOTE ${quoteSymbols.join(' or ')}`),
);

/** Opening price, QUOTE per BASE. */
export const LaunchPriceSchema = v.pipe(
  v.number('must be a number'),
  v.finite('must be a number'),
  v.minValue(LAUNCH_LIMITS.minPrice, `must be at least ${LAUNCH_LIMITS.minPrice}`),
  v.maxValue(LAUNCH_LIMITS.maxPrice, `must be at most ${LAUNCH_LIMITS.maxPrice}`),
);

/** The pools' value in QUOTE, over every venue of the launch. */
export const LaunchLiquiditySchema = v.pipe(
  v.number('must be a number'),
  v.finite('must be a number'),
  v.minValue(LAUNCH_LIMITS.minLiquidity, `must be at least ${LAUNCH_LIMITS.minLiquidity}`),
  v.maxValue(LAUNCH_LIMITS.maxLiquidity, `must be at most ${LAUNCH_LIMITS.maxLiquidity}`),
);

const time = v.pipe(v.number(), v.integer(), v.minValue(0));

/** A launch request as the chain stores it (one JSON value per request); fields it does not know are dropped. */
export const LaunchRequestSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  symbol: LaunchSymbolSchema,
  price: LaunchPriceSchema,
  liquidity: LaunchLiquiditySchema,
  venues: v.pipe(v.array(v.picklist(DEXES)), v.minLength(1), v.maxLength(DEXES.length)),
  dueAt: time,
  requestedAt: time,
});

/** Parses a stored launch request; null if it is not one (a request is read back from Redis, so it is checked like any input). */
export function parseLaunchRequest(text: string): LaunchRequest | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null; // not JSON: not a request
  }
  const result = v.safeParse(LaunchRequestSchema, json);
  return result.success ? result.output : null;
}
