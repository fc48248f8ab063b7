import { PAIRS } from './pairs.js';
import { createPairDynamics, type PairDynamics } from './pair-dynamics.js';
import { withinLimit } from './router.js';
import type { Dex, FillResult, PairSpec, Quote, Side, SlippageLimit } from './types.js';
import { DEXES } from './types.js';

/** Ticks simulated one by one per call at most; a longer gap jumps the reference over the excess first. */
export const MAX_TICKS_PER_ADVANCE = 2_400;

export interface MarketOptions {
  /** Same seed, same calls ⇒ same prices. */
  readonly seed: number | string;
  readonly pairs?: readonly PairSpec[];
  /** The time of tick 0: pools stand at their pairs' initial prices. */
  readonly startMs: number;
  readonly tickMs?: number;
  readonly maxTicksPerAdvance?: number;
}

export interface Market {
  /** Quotes one venue for `amount` BASE at `nowMs` without moving its pool; null when it cannot fill the size. */
  quote(dex: Dex, pair: string, side: Side, amount: number, nowMs: number): Quote | null;
  /** Quotes every venue, in DEXES order. */
  quotes(pair: string, side: Side, amount: number, nowMs: number): (Quote | null)[];
  /** Executes against one pool at `nowMs` if the fill respects `limit` (moving that pool), else reverts; null when it cannot fill. */
  fill(dex: Dex, pair: string, side: Side, amount: number, limit: SlippageLimit, nowMs: number): FillResult | null;
  /** A pool's mid price, QUOTE per BASE, before fees. */
  midPrice(pair: string, dex: Dex, nowMs: number): number;
  /** The reference ("CEX") price the arbitrageurs trade the pools toward. */
  referencePrice(pair: string, nowMs: number): number;
}

/**
 * Creates a simulated market of Raydium and Meteora pools whose state is a pure function of the seed,
 * the times it is asked about and the fills it executed. Time only moves when a call brings a later
 * `nowMs`: each call first simulates the ticks since the last one (an earlier `nowMs` simulates nothing).
 * Markets with the same seed agree when asked the same things at the same times.
 */
export function createMarket(options: MarketOptions): Market {
  const { seed, pairs = PAIRS, startMs, tickMs = 250, maxTicksPerAdvance = MAX_TICKS_PER_ADVANCE } = options;
  if (!(tickMs > 0)) throw new RangeError('tickMs must be positive');
  const worlds = new Map(pairs.map((pair) => [pair.symbol, createPairDynamics(pair, seed, tickMs)]));
  let tick = 0;

  function advance(nowMs: number): void {
    const target = Math.floor((nowMs - startMs) / tickMs);
    if (!Number.isFinite(target) || target <= tick) return;
    const skipped = target - tick - maxTicksPerAdvance;
    for (const world of worlds.values()) {
      let from = tick;
      if (skipped > 0) {
        world.jump(from, skipped);
        from += skipped;
      }
      for (let t = from + 1; t <= target; t++) world.step(t);
    }
    tick = target;
  }

  function world(pair: string): PairDynamics {
    const found = worlds.get(pair);
    if (!found) throw new RangeError(`unknown pair ${pair}`);
    return found;
  }

  function venue(pair: string, dex: Dex) {
    if (!DEXES.includes(dex)) throw new RangeError(`unknown dex ${String(dex)}`);
    return world(pair).venue(dex);
  }

  function checkAmount(amount: number): void {
    if (!(Number.isFinite(amount) && amount > 0)) throw new RangeError(`amount must be a positive number, got ${amount}`);
  }

  function quoteNow(dex: Dex, pair: string, side: Side, amount: number): Quote | null {
    const quote = venue(pair, dex).quote(side, amount);
    return quote && { dex, pair, ...quote };
  }

  return {
    quote(dex, pair, side, amount, nowMs) {
      checkAmount(amount);
      advance(nowMs);
      return quoteNow(dex, pair, side, amount);
    },

    quotes(pair, side, amount, nowMs) {
      checkAmount(amount);
      advance(nowMs);
      return DEXES.map((dex) => quoteNow(dex, pair, side, amount));
    },

    fill(dex, pair, side, amount, limit, nowMs) {
      checkAmount(amount);
      if (limit.side !== side) throw new RangeError(`a ${limit.side} limit cannot guard a ${side}`);
      advance(nowMs);
      const attempted = quoteNow(dex, pair, side, amount);
      if (!attempted) return null;
      // A swap that fails its slippage check reverts on-chain: the pool is left as it was.
      if (!withinLimit(attempted, limit)) return { ok: false, code: 'SLIPPAGE_EXCEEDED', attempted, limit };
      const swapped = venue(pair, dex).swap(side, amount);
      if (!swapped) return null;
      return { ok: true, fill: { dex, pair, ...swapped } };
    },

    midPrice(pair, dex, nowMs) {
      advance(nowMs);
      return venue(pair, dex).midPrice();
    },

    referencePrice(pair, nowMs) {
      advance(nowMs);
      return world(pair).reference();
    },
  };
}
