import { checkAmount } from './amounts.js';
import { createMarketPairs } from './market-pairs.js';
import { PAIRS } from './pairs.js';
import { routeOrder } from './router.js';
import { DEXES, type Dex, type LaunchedPair, type MarketSnapshot, type PairSpec, type Quote, type RouteDecision, type Side } from './types.js';

/**
 * A read-only market at one snapshot: what a worker or gateway quotes from between two slots. A pair
 * quotes the venues it has pools on: another venue's quote is null, its mid price NaN and its
 * liquidity 0, and routes use the venues it has. An unknown pair or dex is a RangeError.
 */
export interface MarketView {
  /** The tick the snapshot was taken at. */
  readonly tick: number;
  /** When that tick began, ms since the epoch. */
  readonly atMs: number;
  /** The pairs the view can quote: those in the snapshot that it has a spec for (its pair specs, or the snapshot's launched pairs). */
  readonly pairs: readonly PairSpec[];
  /** The snapshot's launched pairs, in launch order (their specs are also in `pairs`). */
  readonly launched: readonly LaunchedPair[];
  /** The venues `pair` has pools on, in DEXES order. */
  venues(pair: string): readonly Dex[];
  /** Quotes one venue for `amount` BASE; null when it cannot fill the size or the pair has no pool there. */
  quote(dex: Dex, pair: string, side: Side, amount: number): Quote | null;
  /** Quotes every venue, in DEXES order. */
  quotes(pair: string, side: Side, amount: number): (Quote | null)[];
  /** Chooses the route for `amount` BASE, splits over both venues included; null when no venue can fill it alone. */
  route(pair: string, side: Side, amount: number): RouteDecision | null;
  /** A pool's mid price, QUOTE per BASE, before fees (NaN where the pair has no pool). */
  midPrice(pair: string, dex: Dex): number;
  /** A pool's value in QUOTE at its mid price (0 where the pair has no pool). */
  liquidity(pair: string, dex: Dex): number;
  /** The reference ("CEX") price at the snapshot. */
  referencePrice(pair: string): number;
}

/**
 * Decodes a market snapshot once into pools to quote from (Jupiter's Amm split: update once per
 * slot, quote cheaply and purely); the view never swaps, and the snapshot itself is never touched.
 */
export function createMarketView(snapshot: MarketSnapshot, pairs: readonly PairSpec[] = PAIRS): MarketView {
  if (snapshot.version !== 1) throw new RangeError(`unknown market snapshot version ${String(snapshot.version)}`);
  const book = createMarketPairs({ specs: pairs, seed: snapshot.seed, tickMs: snapshot.tickMs, from: snapshot, fresh: false });

  function find(pair: string) {
    const found = book.get(pair);
    if (!found) throw new RangeError(`unknown pair ${pair}`);
    return found;
  }

  function venue(pair: string, dex: Dex) {
    if (!DEXES.includes(dex)) throw new RangeError(`unknown dex ${String(dex)}`);
    return find(pair).world.venue(dex);
  }

  function quote(dex: Dex, pair: string, side: Side, amount: number): Quote | null {
    const found = venue(pair, dex)?.quote(side, amount);
    return found ? { dex, pair, ...found } : null;
  }

  return {
    tick: snapshot.tick,
    atMs: snapshot.startMs + snapshot.tick * snapshot.tickMs,
    pairs: book.specs(),
    launched: book.launched(),
    venues: (pair) => find(pair).world.venues,
    quote(dex, pair, side, amount) {
      checkAmount(amount);
      return quote(dex, pair, side, amount);
    },
    quotes(pair, side, amount) {
      checkAmount(amount);
      return DEXES.map((dex) => quote(dex, pair, side, amount));
    },
    route(pair, side, amount) {
      checkAmount(amount);
      return routeOrder(find(pair).spec, side, amount, (dex, size) => quote(dex, pair, side, size));
    },
    midPrice: (pair, dex) => venue(pair, dex)?.midPrice() ?? Number.NaN,
    liquidity: (pair, dex) => venue(pair, dex)?.liquidity() ?? 0,
    referencePrice: (pair) => find(pair).world.reference(),
  };
}
