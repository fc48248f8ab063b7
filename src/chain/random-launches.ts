import { createRng, hashKey, hashWith, type Rng } from '../venues/random.js';
import type { Dex, LaunchSpec } from '../venues/types.js';

/**
 * Random launches the schedule makes at most, over the chain's life: every launched pair adds its
 * pools to every published slot (about 3.5 KB on both venues), so the schedule cannot grow the
 * slots without end.
 */
export const MAX_RANDOM_LAUNCHES = 20;
/** The symbol a random launch takes: MEME1/USDC, MEME2/USDC, … */
const SYMBOL = (n: number) => `MEME${n}/USDC`;
const RANDOM_SYMBOL = /^MEME\d+\/USDC$/;

export interface RandomLaunchOptions {
  readonly seed: number | string;
  readonly slotMs: number;
  /** The mean time between two random launches; 0: none. */
  readonly everyMs: number;
  readonly max?: number;
}

/**
 * The schedule of random launches: a slot brings one with probability 1 − e^(−slotMs/everyMs) (so
 * on average one every `everyMs`), with a fresh MEME<n>/USDC symbol, a price log-uniform from
 * 0.0001 to 1 USDC, a value log-uniform from 10,000 to 250,000 USDC, on both venues half the time
 * (else on one). Drawn from the seed and the slot alone: the same slot launches the same thing on
 * every replay; `taken` (every symbol the market has) decides only the symbol's number.
 */
export function createRandomLaunches(options: RandomLaunchOptions) {
  const { everyMs, max = MAX_RANDOM_LAUNCHES } = options;
  const chance = everyMs > 0 ? 1 - Math.exp(-options.slotMs / everyMs) : 0;
  const key = hashKey(options.seed, 'random-launch');
  return (slot: number, taken: readonly string[]): LaunchSpec | null => {
    if (chance === 0) return null;
    const rng = createRng(hashWith(key, slot));
    if (rng() >= chance) return null;
    const randomOnes = taken.filter((symbol) => RANDOM_SYMBOL.test(symbol)).length;
    if (randomOnes >= max) return null;
    let n = randomOnes + 1;
    while (taken.includes(SYMBOL(n))) n++;
    const draw = rng();
    const venues: Dex[] = draw < 0.5 ? ['raydium', 'meteora'] : draw < 0.75 ? ['raydium'] : ['meteora'];
    return { id: `random:${slot}`, symbol: SYMBOL(n), price: logUniform(rng, 1e-4, 1), liquidity: Math.round(logUniform(rng, 10_000, 250_000)), venues };
  };
}

/** A number between `low` and `high` whose logarithm is uniform, rounded to 6 significant digits. */
function logUniform(rng: Rng, low: number, high: number): number {
  return Number((low * (high / low) ** rng()).toPrecision(6));
}

export type RandomLaunches = ReturnType<typeof createRandomLaunches>;
