import { createRng, hashKey, hashWith, normal } from './random.js';
import { DEXES, type Dex, type PairSnapshot, type PairSpec } from './types.js';
import { createVenue, type Venue } from './venue.js';

/** Share of the gap beyond the fee band that arbitrageurs close each tick. */
const ARB_PULL = 0.5;
/** Chance that a noise trader hits a given pool in a given tick. */
const NOISE_PROBABILITY = 0.5;
/** Typical noise trade as a share of the Raydium BASE reserve (SOL/USDC: ~30 SOL). */
const NOISE_SHARE = 2e-4;

/**
 * One pair's world: a reference ("CEX") price on a seeded geometric random walk and the pair's two
 * pools, which noise traders push around and arbitrageurs pull back toward the reference. Every
 * draw is keyed by (seed, pair, dex or "reference", tick), so the same seed replays the same world,
 * and a world restored `from` a snapshot at a tick carries on exactly as the original would.
 */
export function createPairDynamics(pair: PairSpec, seed: number | string, tickMs: number, from?: PairSnapshot) {
  if (from && from.symbol !== pair.symbol) throw new RangeError(`a ${from.symbol} snapshot cannot restore ${pair.symbol}`);
  const saved = (dex: Dex) => {
    if (!from) return undefined;
    const state = from.pools.find((pool) => pool.dex === dex);
    if (!state) throw new RangeError(`the ${pair.symbol} snapshot has no ${dex} pool`);
    return state;
  };
  const venues = Object.fromEntries(DEXES.map((dex) => [dex, createVenue(dex, pair, saved(dex))])) as Record<Dex, Venue>;
  const referenceKey = hashKey(seed, pair.symbol, 'reference');
  const noiseKeys = Object.fromEntries(DEXES.map((dex) => [dex, hashKey(seed, pair.symbol, dex)])) as Record<Dex, number>;
  const noiseScale = pair.raydiumBaseReserve * NOISE_SHARE;
  let reference = from?.reference ?? pair.initialPrice;

  /** Multiplies the reference by a lognormal step with zero drift in expectation (hence −σ²/2). */
  function walk(sigma: number, z: number): void {
    reference *= Math.exp(sigma * z - (sigma * sigma) / 2);
  }

  function noise(venue: Venue, tick: number): void {
    const rng = createRng(hashWith(noiseKeys[venue.dex], tick));
    if (rng() >= NOISE_PROBABILITY) return;
    const side = rng() < 0.5 ? 'buy' : 'sell';
    venue.swap(side, noiseScale * Math.abs(normal(rng)));
  }

  function arbitrage(venue: Venue): void {
    const mid = venue.midPrice();
    const gap = Math.log(reference / mid);
    // Inside the fee band a round trip against the reference loses money, so nobody trades it.
    const excess = Math.abs(gap) - venue.feeBps / 10_000;
    if (excess <= 0) return;
    const order = venue.orderToward(mid * Math.exp(Math.sign(gap) * ARB_PULL * excess));
    if (order) venue.swap(order.side, order.amount);
  }

  return {
    venue: (dex: Dex): Venue => venues[dex],
    reference: (): number => reference,
    state: (): PairSnapshot => ({ symbol: pair.symbol, reference, pools: DEXES.map((dex) => venues[dex].state()) }),

    /** Simulates tick `tick`: the reference steps, then each pool gets its noise trade and its arbitrage. */
    step(tick: number): void {
      walk(pair.volatility * Math.sqrt(tickMs / 1000), normal(createRng(hashWith(referenceKey, tick))));
      for (const dex of DEXES) {
        noise(venues[dex], tick);
        arbitrage(venues[dex]);
      }
    },

    /** Moves the reference over `ticks` ticks after `fromTick` in one step scaled by √ticks; pools are left to the ticks that follow. */
    jump(fromTick: number, ticks: number): void {
      const z = normal(createRng(hashWith(hashWith(referenceKey, fromTick), ticks)));
      walk(pair.volatility * Math.sqrt((ticks * tickMs) / 1000), z);
    },
  };
}

export type PairDynamics = ReturnType<typeof createPairDynamics>;
