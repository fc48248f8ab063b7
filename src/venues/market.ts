import { checkAmount } from './amounts.js';
import { createMarketClock } from './market-clock.js';
import { createMarketPairs, type MarketPair } from './market-pairs.js';
import { PAIRS } from './pairs.js';
import { routeOrder, withinLimit } from './router.js';
import { legCostOf, routeTotals } from './split-route.js';
import type {
  Dex,
  FillResult,
  LaunchedPair,
  LaunchResult,
  LaunchSpec,
  MarketSnapshot,
  PairSpec,
  Quote,
  RouteDecision,
  RouteFillResult,
  Side,
  SlippageLimit,
} from './types.js';
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
   * tick to come); a pair of `pairs` missing from it starts at its initial price, one not in `pairs`
   * is dropped, and its launched pairs come back with their own specs.
   */
  readonly from?: MarketSnapshot;
}

/** One leg of a transaction: `amount` BASE through one venue. */
export interface LegOrder {
  readonly dex: Dex;
  readonly amount: number;
}

/**
 * A pair trades on the venues it has pools on: asked about another venue, a quote or fill is null, a
 * route leg fails (INSUFFICIENT_LIQUIDITY), the mid price is NaN and the liquidity 0. A launched pair
 * does not trade in the tick it launched in (its pools appear at the end of it). An unknown pair or
 * dex is a RangeError.
 */
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
  /** A pool's mid price, QUOTE per BASE, before fees (NaN where the pair has no pool). */
  midPrice(pair: string, dex: Dex, nowMs: number): number;
  /** A pool's value in QUOTE at its mid price (0 where the pair has no pool). */
  liquidity(pair: string, dex: Dex, nowMs: number): number;
  /** The reference ("CEX") price the arbitrageurs trade the pools toward. */
  referencePrice(pair: string, nowMs: number): number;
  /** Every pair it has, launched ones included (with their full specs), in a stable order. */
  pairs(): readonly PairSpec[];
  /** The venues `pair` has pools on, in DEXES order. */
  venues(pair: string): readonly Dex[];
  /** The pairs launched so far, in launch order. */
  launched(): readonly LaunchedPair[];
  /**
   * Launches a pair in the tick of `nowMs`: that tick is ended first (see `endTick`) and the pools
   * appear at its end, so nothing trades them before the next tick. Refused (a value) when the symbol
   * trades already or a launch with this id was applied; a RangeError for a spec no pair can have.
   */
  launch(spec: LaunchSpec, nowMs: number): LaunchResult;
  /** Runs the rest of the tick of `nowMs` (the competing snipers still to land in it): what a slot's published state is. */
  endTick(nowMs: number): void;
  /** The whole state as plain JSON, for `createMarket({ from })` and `createMarketView`; it does not advance time. */
  snapshot(): MarketSnapshot;
}

/**
 * Creates a simulated market of Raydium and Meteora pools whose state is a pure function of the seed,
 * the times it is asked about, the fills it executed and the pairs it launched. Time only moves when a
 * call brings a later `nowMs`: each call first simulates the ticks since the last one (an earlier
 * `nowMs` simulates nothing), and within a tick the competing snipers of a new launch that land before
 * `nowMs` (a tick's dynamics run at its start, its snipers through it). Markets with the same seed
 * agree when asked the same things at the same times.
 */
export function createMarket(options: MarketOptions): Market {
  const { pairs = PAIRS, maxTicksPerAdvance = MAX_TICKS_PER_ADVANCE, from } = options;
  if (from && from.version !== 1) throw new RangeError(`unknown market snapshot version ${String(from.version)}`);
  const seed = from?.seed ?? options.seed;
  const startMs = from?.startMs ?? options.startMs;
  const tickMs = from?.tickMs ?? options.tickMs ?? 250;
  if (!(tickMs > 0)) throw new RangeError('tickMs must be positive');
  const book = createMarketPairs({ specs: pairs, seed, tickMs, ...(from && { from }), fresh: true });
  const clock = createMarketClock({ startMs, tickMs, maxTicksPerAdvance, tick: from?.tick ?? 0, part: from?.tickPart ?? 0, worlds: () => book.all() });
  const { advance, endTick } = clock;

  function find(pair: string): MarketPair {
    const found = book.get(pair);
    if (!found) throw new RangeError(`unknown pair ${pair}`);
    return found;
  }

  function venue(pair: string, dex: Dex) {
    if (!DEXES.includes(dex)) throw new RangeError(`unknown dex ${String(dex)}`);
    return find(pair).world.venue(dex);
  }

  /** A launched pair's pools appear at the end of its launch tick: nothing trades them before the next. */
  function trading(pair: string): MarketPair | null {
    const found = find(pair);
    return found.launched && found.launched.tick >= clock.tick ? null : found;
  }

  function quoteNow(dex: Dex, pair: string, side: Side, amount: number): Quote | null {
    const pool = venue(pair, dex);
    if (!pool || !trading(pair)) return null;
    const quote = pool.quote(side, amount);
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
      const found = trading(pair);
      return found && routeOrder(found.spec, side, amount, (dex, size) => quoteNow(dex, pair, side, size));
    },

    fill(dex, pair, side, amount, limit, nowMs) {
      checkAmount(amount);
      checkLimit(side, limit);
      advance(nowMs);
      const attempted = quoteNow(dex, pair, side, amount);
      if (!attempted) return null;
      // A swap that fails its slippage check reverts on-chain: the pool is left as it was.
      if (!withinLimit(attempted, limit)) return { ok: false, code: 'SLIPPAGE_EXCEEDED', attempted, limit };
      const swapped = venue(pair, dex)!.swap(side, amount);
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
      const totals = routeTotals(side, fills, legCostOf(find(pair).spec));
      // The limit guards the whole transaction: one leg beyond it reverts every leg.
      if (!withinLimit({ side, ...totals }, limit)) return { ok: false, code: 'SLIPPAGE_EXCEEDED', attempted: { fills, ...totals }, limit };
      const swapped = legs.map((leg) => venue(pair, leg.dex)!.swap(side, leg.amount));
      if (swapped.some((swap) => !swap)) throw new Error(`a quoted leg of a ${pair} route failed to swap`);
      return { ok: true, fills: swapped.map((swap, i) => ({ dex: legs[i]!.dex, pair, ...swap! })), ...totals };
    },

    midPrice(pair, dex, nowMs) {
      advance(nowMs);
      return venue(pair, dex)?.midPrice() ?? Number.NaN;
    },

    liquidity(pair, dex, nowMs) {
      advance(nowMs);
      return venue(pair, dex)?.liquidity() ?? 0;
    },

    referencePrice(pair, nowMs) {
      advance(nowMs);
      return find(pair).world.reference();
    },

    pairs: () => book.specs(),
    venues: (pair) => find(pair).world.venues,
    launched: () => book.launched(),

    launch(spec, nowMs) {
      endTick(nowMs);
      return book.launch(spec, clock.tick);
    },

    endTick,

    snapshot() {
      const launched = book.launched();
      return {
        version: 1,
        seed,
        startMs,
        tickMs,
        tick: clock.tick,
        ...(clock.part > 0 && { tickPart: clock.part }),
        pairs: [...book.all()].map(({ world }) => world.state()),
        ...(launched.length > 0 && { launched }),
      };
    },
  };
}
