import { createRng, hashWith, normal, type Rng } from './random.js';
import type { LaunchedPair } from './types.js';

/** Ticks after a launch in which competing snipers buy (the first is the tick after the launch's). */
export const SNIPER_TICKS = 8;
/** Snipers expected in the first tick after a launch of average hype; each later tick has BUYERS_DECAY as many. */
const FIRST_TICK_BUYERS = 6;
const BUYERS_DECAY = 0.7;
/** How much a launch's hype (drawn once per launch) varies the number of snipers: a lognormal σ. */
const HYPE_SIGMA = 0.5;
/** A sniper's median spend in QUOTE at a launch of REFERENCE_LIQUIDITY; it scales with the square root of the pools' value. */
const MEDIAN_SPEND = 100;
const REFERENCE_LIQUIDITY = 50_000;
/** How much one sniper's spend varies: a lognormal σ. */
const SPEND_SIGMA = 0.8;

/** One competing sniper's market buy: when in its tick it lands (0 to 1) and what it spends, in QUOTE. */
export interface SniperBuy {
  readonly at: number;
  readonly spend: number;
}

/**
 * The competing snipers' buys in tick `tick` of a launched pair, in the order they land: none in
 * the launch's own tick (its pools appear at the end of it), then a burst that fades over
 * SNIPER_TICKS ticks. Spread through the tick (`at`), so they interleave with the transactions that
 * land in it. At a launch of 50,000 QUOTE on both venues they spend about 2,900 QUOTE in all and
 * lift the price by about 10 % (4 % to 25 % for nine seeds in ten); a smaller pool climbs more
 * (5,000 QUOTE: about 30 %), a deeper one less (500,000 QUOTE: about 3 %).
 * Drawn from `key` (seed and pair) and the tick alone: the same at every replay.
 */
export function sniperBuys(key: number, launched: LaunchedPair, tick: number): SniperBuy[] {
  const after = tick - launched.tick;
  if (after < 1 || after > SNIPER_TICKS) return [];
  const hype = Math.exp(HYPE_SIGMA * normal(createRng(key)));
  const rng = createRng(hashWith(key, tick));
  const count = poisson(rng, hype * FIRST_TICK_BUYERS * BUYERS_DECAY ** (after - 1));
  const median = MEDIAN_SPEND * Math.sqrt(launched.liquidity / REFERENCE_LIQUIDITY);
  const buys = Array.from({ length: count }, () => ({ at: rng(), spend: median * Math.exp(SPEND_SIGMA * normal(rng)) }));
  return buys.sort((a, b) => a.at - b.at);
}

/** A Poisson count with mean `mean` (Knuth's method: the means here are small). */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = rng(); product > limit; product *= rng()) count++;
  return count;
}
