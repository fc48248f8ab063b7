import { checkAmount } from './amounts.js';
import { PAIRS } from './pairs.js';
import { createPairDynamics, type PairDynamics } from './pair-dynamics.js';
import { routeOrder, withinLimit } from './router.js';
import { legCostOf, routeTotals } from './split-route.js';
import type { Dex, FillResult, MarketSnapshot, PairSpec, Quote, RouteDecision, RouteFillResult, Side, SlippageLimit } from './types.js';
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
  /**
   * A state to carry on from. Its seed, startMs and tickMs replace the options' (they decide every
   * tick to come); a pair of `pairs` missing from it starts at its initial price, one not in `pairs` is dropped.
   */
  readonly from?: MarketSnapshot;
}

/** One leg of a transaction: `amount` BASE through one venue. */
export interface LegOrder {
  readonly dex: Dex;
  readonly amount: number;
}

export interface Market {
  /** Quotes one venue for `amount` BASE at `nowMs` without moving its pool; null when it cannot fill the size. */
  quote(dex: Dex, pair: string, side: Side, amount: number, nowMs: number): Quote | null;
  /** Quotes every venue, in DEXES order. */
  quotes(pair: string, side: Side, amount: number, nowMs: number): (Quote | null)[];
  /** Chooses the route for `amount` BASE at `nowMs`, splits over both venues included; null when no venue can fill it alone. */
  route(pair: string, side: Side, amount: number, nowMs: number): RouteDecision | null;
  /** Executes against one pool at `nowMs` if the fill respects `limit` (moving that pool), else reverts; null when it cannot fill. */
  fill(dex: Dex, pair: string, side: Side, amount: number, limit: SlippageLimit, nowMs: number): FillResult | null;
  /** Executes every leg at `nowMs` in one atomic transaction if the totals respect `limit`; otherwise no pool moves. */
  fillRoute(pair: string, side: Side, legs: readonly LegOrder[], limit: SlippageLimit, nowMs: number): RouteFillResult;
  /** A pool's mid price, QUOTE per BASE, before fees. */
  midPrice(pair: string, dex: Dex, nowMs: number): number;
  /** A pool's value in QUOTE at its mid price. */
  liquidity(pair: string, dex: Dex, nowMs: number): number;
  /** The reference ("CEX") price the arbitrageurs trade the pools toward. */
  referencePrice(pair: string, nowMs: number): number;
  /** The whole state as plain JSON, for `createMarket({ from })` and `createMarketView`; it does not advance time. */
  snapshot(): MarketSnapshot;
}

/**
 * Creates a simulated market of Raydium and Meteora pools whose state is a pure function of the seed,
 * the times it is asked about and the fills it executed. Time only moves when a call brings a later
 * `nowMs`: each call first simulates the ticks since the last one (an earlier `nowMs` simulates nothing).
 * Markets with the same seed agree when asked the same things at the same times.
 */
export function createMarket(options: MarketOptions): Market {
  const { pairs = PAIRS, maxTicksPerAdvance = MAX_TICKS_PER_ADVANCE, from } = options;
  if (from && from.version !== 1) throw new RangeError(`unknown market snapshot version ${String(from.version)}`);
  const seed = from?.seed ?? options.seed;
  const startMs = from?.startMs ?? options.startMs;
  const tickMs = from?.tickMs ?? options.tickMs ?? 250;
  if (!(tickMs > 0)) throw new RangeError('tickMs must be positive');
  const specs = new Map(pairs.map((pair) => [pair.symbol, pair]));
  const worlds = new Map(
    pairs.map((pair) => [pair.symbol, createPairDynamics(pair, seed, tickMs, from?.pairs.find((saved) => saved.symbol === pair.symbol))]),
  );
  let tick = from?.tick ?? 0;

  function advance(nowMs: number): void {
    const target = Math.floor((nowMs - startMs) / tickMs);
    if (!Number.isFinite(target) || target <= tick) return;
    const skipped = target - tick - maxTicksPerAdvance;
    for (const world of worlds.values()) {
      let start = tick;
      if (skipped > 0) {
        world.jump(start, skipped);
        start += skipped;
      }
      for (let t = start + 1; t <= target; t++) world.step(t);
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

  function quoteNow(dex: Dex, pair: string, side: Side, amount: number): Quote | null {
    const quote = venue(pair, dex).quote(side, amount);
    return quote && { dex, pair, ...quote };
  }

  function checkLimit(side: Side, limit: SlippageLimit): void {
    if (limit.side !== side) throw new RangeError(`a ${limit.side} limit cannot guard a ${side}`);
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

    route(pair, side, amount, nowMs) {
      checkAmount(amount);
      advance(nowMs);
      world(pair);
      return routeOrder(specs.get(pair)!, side, amount, (dex, size) => quoteNow(dex, pair, side, size));
    },

    fill(dex, pair, side, amount, limit, nowMs) {
      checkAmount(amount);
      checkLimit(side, limit);
      advance(nowMs);
      const attempted = quoteNow(dex, pair, side, amount);
      if (!attempted) return null;
      // A swap that fails its slippage check reverts on-chain: the pool is left as it was.
      if (!withinLimit(attempted, limit)) return { ok: false, code: 'SLIPPAGE_EXCEEDED', attempted, limit };
      const swapped = venue(pair, dex).swap(side, amount);
      if (!swapped) return null;
      return { ok: true, fill: { dex, pair, ...swapped } };
    },

    fillRoute(pair, side, legs, limit, nowMs) {
      if (legs.length === 0) throw new RangeError('a route needs at least one leg');
      for (const leg of legs) checkAmount(leg.amount);
      // Legs on different pools do not interact, so each leg's quote is exactly what its swap will do.
      if (new Set(legs.map((leg) => leg.dex)).size !== legs.length) throw new RangeError('a route takes each venue once');
      checkLimit(side, limit);
      advance(nowMs);
      const fills: Quote[] = [];
      for (const leg of legs) {
        const quote = quoteNow(leg.dex, pair, side, leg.amount);
        if (!quote) return { ok: false, code: 'INSUFFICIENT_LIQUIDITY' };
        fills.push(quote);
      }
      const totals = routeTotals(side, fills, legCostOf(specs.get(pair)!));
      // The limit guards the whole transaction: one leg beyond it reverts every leg.
      if (!withinLimit({ side, ...totals }, limit)) return { ok: false, code: 'SLIPPAGE_EXCEEDED', attempted: { fills, ...totals }, limit };
      const swapped = legs.map((leg) => venue(pair, leg.dex).swap(side, leg.amount));
      if (swapped.some((swap) => !swap)) throw new Error(`a quoted leg of a ${pair} route failed to swap`);
      return { ok: true, fills: swapped.map((swap, i) => ({ dex: legs[i]!.dex, pair, ...swap! })), ...totals };
    },

    midPrice(pair, dex, nowMs) {
      advance(nowMs);
      return venue(pair, dex).midPrice();
    },

    liquidity(pair, dex, nowMs) {
      advance(nowMs);
      return venue(pair, dex).liquidity();
    },

    referencePrice(pair, nowMs) {
      advance(nowMs);
      return world(pair).reference();
    },

    snapshot() {
      return { version: 1, seed, startMs, tickMs, tick, pairs: [...worlds.values()].map((w) => w.state()) };
    },
  };
}
