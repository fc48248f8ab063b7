import { createDlmmPool, dlmmLiquidity } from './meteora-dlmm.js';
import { QUOTE_TOKENS } from './pairs.js';
import { DEXES, type LaunchSpec, type PairSpec, type Token } from './types.js';

/** What a launch may ask for: a price and a pool value the simulated pools can hold (the operator command checks them too). */
export const LAUNCH_LIMITS = {
  minPrice: 1e-6,
  maxPrice: 1e6,
  /** QUOTE over all the pair's venues. */
  minLiquidity: 1_000,
  maxLiquidity: 1e9,
} as const;

/** A launched token's BASE symbol: 2 to 12 capitals and digits, starting with a capital. */
export const LAUNCH_BASE_SYMBOL = /^[A-Z][A-Z0-9]{1,11}$/;
/** Decimals of a new token (most SPL tokens have 6). */
const NEW_TOKEN_DECIMALS = 6;
/** Bin step of a launched pair's Meteora pool, bps: volatile tokens get wide bins (and pay the step as base fee). */
const LAUNCH_BIN_STEP = 50;
/** Volatility of a launched token's reference price, per √s: five times SOL's (about 9 % an hour). */
export const LAUNCH_VOLATILITY = 0.0015;

/**
 * The spec of the pair a launch creates, with pools worth `liquidity` QUOTE at `price`, split evenly
 * over its venues: Raydium holds base × price of each token; Meteora's uniform bins are scaled to
 * their share. A BASE token some pair already has keeps its decimals; a new one gets 6. Throws a
 * RangeError for a spec no pair can have (the callers parse their input first).
 */
export function launchPairSpec(launch: LaunchSpec, known: readonly PairSpec[]): PairSpec {
  const [baseSymbol = '', quoteSymbol = '', ...rest] = launch.symbol.split('/');
  if (rest.length > 0 || !LAUNCH_BASE_SYMBOL.test(baseSymbol)) throw new RangeError(`a launch needs a symbol like NEW/USDC, got ${launch.symbol}`);
  const quote = QUOTE_TOKENS.find((token) => token.symbol === quoteSymbol);
  if (!quote) throw new RangeError(`a launched pair is quoted in ${QUOTE_TOKENS.map((token) => token.symbol).join(' or ')}, not ${quoteSymbol}`);
  if (baseSymbol === quoteSymbol) throw new RangeError(`${launch.symbol} trades a token against itself`);
  const { price, liquidity } = launch;
  if (!(price >= LAUNCH_LIMITS.minPrice && price <= LAUNCH_LIMITS.maxPrice)) throw new RangeError(`launch price ${price} is out of range`);
  if (!(liquidity >= LAUNCH_LIMITS.minLiquidity && liquidity <= LAUNCH_LIMITS.maxLiquidity)) throw new RangeError(`launch liquidity ${liquidity} is out of range`);
  const venues = DEXES.filter((dex) => launch.venues.includes(dex));
  if (venues.length === 0 || launch.venues.some((dex) => !DEXES.includes(dex))) throw new RangeError(`a launch opens on ${DEXES.join(' and/or ')}`);

  const base: Token = known.map((pair) => pair.base).find((token) => token.symbol === baseSymbol) ?? { symbol: baseSymbol, decimals: NEW_TOKEN_DECIMALS };
  const share = liquidity / venues.length;
  // A uniform DLMM pool's value is linear in its liquidity per bin: measure one unit, then scale.
  const unit = dlmmLiquidity(createDlmmPool({ price, binStep: LAUNCH_BIN_STEP, baseLiquidityPerBin: 1, baseDecimals: base.decimals, quoteDecimals: quote.decimals }));
  return {
    symbol: launch.symbol,
    base,
    quote,
    initialPrice: price,
    // Raydium's reserves hold half the value each; without a Raydium pool this still sizes the noise traders.
    raydiumBaseReserve: share / (2 * price),
    meteoraBinStep: LAUNCH_BIN_STEP,
    meteoraBaseLiquidityPerBin: share / unit,
    volatility: LAUNCH_VOLATILITY,
    venues,
  };
}
