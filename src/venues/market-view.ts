import { checkAmount } from './amounts.js';
import { PAIRS } from './pairs.js';
import { createPairDynamics, type PairDynamics } from './pair-dynamics.js';
import { routeOrder } from './router.js';
import { DEXES, type Dex, type MarketSnapshot, type PairSpec, type Quote, type RouteDecision, type Side } from './types.js';

/** A read-only market at one snapshot: what a worker or gateway quotes from between two slots. */
export interface MarketView {
  /** The tick the snapshot was taken at. */
  readonly tick: number;
  /** When that tick began, ms since the epoch. */
  readonly atMs: number;
  /** The pairs the view can quote: those both in the snapshot and in its pair specs. */
  readonly pairs: readonly PairSpec[];
  /** Quotes one venue for `amount` BASE; null when it cannot fill the size. */
  quote(dex: Dex, pair: string, side: Side, amount: number): Quote | null;
  /** Quotes every venue, in DEXES order. */
  quotes(pair: string, side: Side, amount: number): (Quote | null)[];
  /** Chooses the route for `amount` BASE, splits over both venues included; null when no venue can fill it alone. */
  route(pair: string, side: Side, amount: number): RouteDecision | null;
  /** A pool's mid price, QUOTE per BASE, before fees. */
  midPrice(pair: string, dex: Dex): number;
  /** A pool's value in QUOTE at its mid price. */
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
  const worlds = new Map<string, { spec: PairSpec; world: PairDynamics }>();
  for (const saved of snapshot.pairs) {
    const spec = pairs.find((pair) => pair.symbol === saved.symbol);
    if (spec) worlds.set(spec.symbol, { spec, world: createPairDynamics(spec, snapshot.seed, snapshot.tickMs, saved) });
  }

  function find(pair: string) {
    const found = worlds.get(pair);
    if (!found) throw new RangeError(`unknown pair ${pair}`);
    return found;
  }

  function venue(pair: string, dex: Dex) {
    if (!DEXES.includes(dex)) throw new RangeError(`unknown dex ${String(dex)}`);
    return find(pair).world.venue(dex);
  }

  function quote(dex: Dex, pair: string, side: Side, amount: number): Quote | null {
    const found = venue(pair, dex).quote(side, amount);
    return found && { dex, pair, ...found };
  }

  return {
    tick: snapshot.tick,
    atMs: snapshot.startMs + snapshot.tick * snapshot.tickMs,
    pairs: [...worlds.values()].map(({ spec }) => spec),
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
    midPrice: (pair, dex) => venue(pair, dex).midPrice(),
    liquidity: (pair, dex) => venue(pair, dex).liquidity(),
    referencePrice: (pair) => find(pair).world.reference(),
  };
}
