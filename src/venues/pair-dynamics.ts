import { SNIPER_TICKS, sniperBuys, type SniperBuy } from './launch-snipers.js';
import { venuesOf } from './pairs.js';
import { createRng, hashKey, hashWith, normal } from './random.js';
import type { Dex, LaunchedPair, PairSnapshot, PairSpec } from './types.js';
import { createVenue, type Venue } from './venue.js';

/** Share of the gap beyond the fee band that arbitrageurs close each tick. */
const ARB_PULL = 0.5;
/** Chance that a noise trader hits a given pool in a given tick. */
const NOISE_PROBABILITY = 0.5;
/** Typical noise trade as a share of the Raydium BASE reserve (SOL/USDC: ~30 SOL). */
const NOISE_SHARE = 2e-4;

/**
 * One pair's world: a reference ("CEX") price on a seeded geometric random walk and the pair's pools
 * (both venues, or those a launch opened), which noise traders push around and arbitrageurs pull back
 * toward the reference. A launched pair also has competing snipers in its first ticks; while they
 * buy, its reference follows its pools (a new token has no other market to discover its price on).
 * Every draw is keyed by (seed, pair, dex, "reference" or "snipers", tick), so the same seed replays
 * the same world, and a world restored `from` a snapshot at a tick carries on exactly as the original would.
 */
export function createPairDynamics(pair: PairSpec, seed: number | string, tickMs: number, from?: PairSnapshot, launched?: LaunchedPair) {
  if (from && from.symbol !== pair.symbol) throw new RangeError(`a ${from.symbol} snapshot cannot restore ${pair.symbol}`);
  const dexes = venuesOf(pair);
  const saved = (dex: Dex) => {
    if (!from) return undefined;
    const state = from.pools.find((pool) => pool.dex === dex);
    if (!state) throw new RangeError(`the ${pair.symbol} snapshot has no ${dex} pool`);
    return state;
  };
  const venues = new Map<Dex, Venue>(dexes.map((dex) => [dex, createVenue(dex, pair, saved(dex))]));
  const referenceKey = hashKey(seed, pair.symbol, 'reference');
  const noiseKeys = new Map(dexes.map((dex) => [dex, hashKey(seed, pair.symbol, dex)]));
  const sniperKey = hashKey(seed, pair.symbol, 'snipers');
  const noiseScale = pair.raydiumBaseReserve * NOISE_SHARE;
  let reference = from?.reference ?? pair.initialPrice;
  // The snipers of one tick are drawn once, however many calls that tick is reached in.
  let drawn: { tick: number; buys: SniperBuy[] } | null = null;

  /** Multiplies the reference by a lognormal step with zero drift in expectation (hence −σ²/2). */
  function walk(sigma: number, z: number): void {
    reference *= Math.exp(sigma * z - (sigma * sigma) / 2);
  }

  function noise(venue: Venue, tick: number): void {
    const rng = createRng(hashWith(noiseKeys.get(venue.dex)!, tick));
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

  /** The pools' mid prices weighted by their value: where a launched token trades. */
  function poolsMid(): number {
    let value = 0;
    let weighted = 0;
    for (const venue of venues.values()) {
      const liquidity = venue.liquidity();
      value += liquidity;
      weighted += liquidity * venue.midPrice();
    }
    return value > 0 ? weighted / value : reference;
  }

  /** A sniper buys `spend` QUOTE worth on whichever pool sells it cheaper (DEXES order breaks a tie), as a router would. */
  function snipe(buy: SniperBuy): void {
    const amount = buy.spend / Math.min(...[...venues.values()].map((venue) => venue.midPrice()));
    let best: { venue: Venue; cost: number } | null = null;
    for (const venue of venues.values()) {
      const quote = venue.quote('buy', amount);
      if (quote && (!best || quote.amountIn < best.cost)) best = { venue, cost: quote.amountIn };
    }
    best?.venue.swap('buy', amount);
  }

  return {
    /** The pool on `dex`, or undefined when the pair has none there. */
    venue: (dex: Dex): Venue | undefined => venues.get(dex),
    venues: dexes,
    reference: (): number => reference,
    state: (): PairSnapshot => ({ symbol: pair.symbol, reference, pools: [...venues.values()].map((venue) => venue.state()) }),

    /** Simulates tick `tick`: the reference steps, then each pool gets its noise trade and its arbitrage. */
    step(tick: number): void {
      // Up to the tick after the snipers' last, so the arbitrageurs do not undo what they bought.
      if (launched && tick > launched.tick && tick <= launched.tick + SNIPER_TICKS + 1) reference = poolsMid();
      walk(pair.volatility * Math.sqrt(tickMs / 1000), normal(createRng(hashWith(referenceKey, tick))));
      for (const venue of venues.values()) {
        noise(venue, tick);
        arbitrage(venue);
      }
    },

    /** Runs the competing snipers of tick `tick` that land from `fromPart` (included) to `toPart` (excluded) through it. */
    snipers(tick: number, fromPart: number, toPart: number): void {
      if (!launched || tick <= launched.tick || tick > launched.tick + SNIPER_TICKS || toPart <= fromPart) return;
      if (drawn?.tick !== tick) drawn = { tick, buys: sniperBuys(sniperKey, launched, tick) };
      for (const buy of drawn.buys) if (buy.at >= fromPart && buy.at < toPart) snipe(buy);
    },

    /** Moves the reference over `ticks` ticks after `fromTick` in one step scaled by √ticks; pools are left to the ticks that follow. */
    jump(fromTick: number, ticks: number): void {
      const z = normal(createRng(hashWith(hashWith(referenceKey, fromTick), ticks)));
      walk(pair.volatility * Math.sqrt((ticks * tickMs) / 1000), z);
    },
  };
}

export type PairDynamics = ReturnType<typeof createPairDynamics>;
