import type { Dex, PairSpec, Quote, Route, Side } from '../venues/types.js';

/** One venue of a pair at a slot: its mid price (QUOTE per BASE, before fees) and its liquidity (pool value in QUOTE). */
export interface VenueTick {
  readonly dex: Dex;
  readonly mid: number;
  readonly liquidity: number;
}

/** One pair's market at one slot, as the chain published it. */
export interface MarketTick {
  readonly pair: string;
  readonly slot: number;
  /** When the chain produced the slot (ms since the epoch). */
  readonly ts: number;
  /** The reference ("CEX") price the arbitrageurs trade the pools toward. */
  readonly reference: number;
  readonly venues: readonly VenueTick[];
}

/** A pre-trade quote: every venue's quote for the whole size and the route the engine would take now. */
export interface RoutedQuote {
  readonly slot: number;
  readonly quotes: readonly Quote[];
  readonly route: Route;
}

/**
 * The gateway's view of the market: the latest pool state the chain published (one slot every
 * 400 ms), quoted locally, with no round trip per quote. Implemented over the chain's slot stream.
 */
export interface MarketData {
  /** The latest slot seen, or null before the first one arrived. */
  slot(): number | null;
  /** Pairs with a live pool on at least one venue. */
  livePairs(): readonly PairSpec[];
  /** A quote from the latest slot's pools; null when no slot has arrived yet or no venue can fill the size. */
  quote(pair: string, side: Side, amount: number): RoutedQuote | null;
  /** The latest tick of a pair, or null. */
  tick(pair: string): MarketTick | null;
  /**
   * Called once per slot with the ticks of the pairs `wanted` names (every live pair without it);
   * no pair wanted, no work: the slot's pools are not even decoded. Returns the unsubscribe.
   */
  onTicks(listener: (ticks: readonly MarketTick[]) => void, wanted?: () => readonly string[]): () => void;
}
