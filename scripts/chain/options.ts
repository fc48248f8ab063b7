import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { LaunchLiquiditySchema, LaunchPriceSchema, LaunchSymbolSchema } from '../../src/chain/launch-request.js';
import { DEXES } from '../../src/venues/types.js';

export const USAGE = `usage: npm run chain -- launch BASE/QUOTE --price P --liquidity L [--dex raydium|meteora] [--in 30s]
       npm run chain -- launches
  launch     schedules a pair's launch on the simulated chain: pools worth L QUOTE (split over both
             venues, or all on --dex) at P QUOTE per BASE, in the first slot from now + --in (default now)
  launches   lists the launches asked for (pending, launched, ignored) and the random ones
Uses REDIS_URL (or REDIS_CLUSTER_NODES) and REDIS_PREFIX like the engine (with neither: the running embedded Redis under DATA_DIR).`;

/** "30s", "500ms", "2m", "1h", or a number of seconds → ms. */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const MAX_DELAY_MS = 7 * 86_400_000;

/** A number on the command line: plain decimal digits, an exponent allowed. */
const numeric = <T extends v.GenericSchema<number, number>>(schema: T) =>
  v.pipe(v.string(), v.regex(/^\d+(\.\d+)?([eE][-+]?\d+)?$/, 'must be a positive number such as 0.02'), v.transform(Number), schema);

const delay = v.pipe(
  v.string(),
  v.regex(DURATION, 'must be a duration such as 30s, 500ms, 2m or 1h'),
  v.transform((text) => {
    const [, amount, unit = 's'] = DURATION.exec(text)!;
    return Math.round(Number(amount) * UNIT_MS[unit]!);
  }),
  v.maxValue(MAX_DELAY_MS, 'must be at most 7 days'),
);

const LaunchArgsSchema = v.strictObject({
  command: v.literal('launch'),
  symbol: LaunchSymbolSchema,
  price: numeric(LaunchPriceSchema),
  liquidity: numeric(LaunchLiquiditySchema),
  dex: v.optional(v.picklist(DEXES, `must be ${DEXES.join(' or ')}`)),
  in: v.optional(delay, '0s'),
});

const ListArgsSchema = v.strictObject({ command: v.literal('launches') });

const ArgsSchema = v.variant('command', [LaunchArgsSchema, ListArgsSchema], 'the command must be launch or launches');

export type ChainCommand = v.InferOutput<typeof ArgsSchema>;

/** Raised for a command line that cannot run: the message names what is wrong (the usage follows it). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the command line strictly: an unknown option, a missing or extra argument, or a bad value is a UsageError. */
export function parseCommand(argv: readonly string[]): ChainCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { price: { type: 'string' }, liquidity: { type: 'string' }, dex: { type: 'string' }, in: { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { positionals, values } = parsed;
  if (values.help) throw new UsageError('');
  const [command, symbol, ...extra] = positionals;
  if (extra.length > 0 || (command === 'launches' && symbol !== undefined)) throw new UsageError(`unexpected argument ${extra[0] ?? symbol}`);
  if (command === 'launch' && symbol === undefined) throw new UsageError('launch needs the pair, such as NEW/USDC');
  const { help: _help, ...options } = values;
  const input = Object.fromEntries(Object.entries({ command, symbol, ...options }).filter(([, value]) => value !== undefined));
  const result = v.safeParse(ArgsSchema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const key = v.getDotPath(issue) ?? 'command';
  const name = key === 'command' || key === 'symbol' ? key : `--${key}`;
  throw new UsageError(issue.received === 'undefined' ? `${name} is required` : `${name}: ${issue.message}`);
}
