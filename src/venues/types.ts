// The venues and sides by their wire names, defined once, in the protocol (a pure leaf). Order of
// DEXES matters: it is the deterministic tie-break (first wins).
export { DEXES, type Dex, type Side } from '../protocol/wire-types.js';
import type { Dex, Side } from '../protocol/wire-types.js';

/** A token as the venues see it: a symbol and the decimals its amounts are rounded to. */
export interface Token {
  readonly symbol: string;
  readonly decimals: number;
}

/** A tradable pair and the shape of its simulated liquidity on each venue. */
export interface PairSpec {
  /** "BASE/QUOTE", e.g. "SOL/USDC". */
  readonly symbol: string;
  readonly base: Token;
  readonly quote: Token;
  /** Starting reference price, QUOTE per BASE. */
  readonly initialPrice: number;
  /** Raydium CPMM pool depth: BASE reserve at start (QUOTE reserve = base × price). */
  readonly raydiumBaseReserve: number;
  /** Meteora DLMM bin step in basis points (P_i = (1 + binStep/10000)^i). */
  readonly meteoraBinStep: number;
  /** Meteora BASE liquidity per bin around the active bin. */
  readonly meteoraBaseLiquidityPerBin: number;
  /** Annualised-ish volatility of the reference price random walk, per sqrt(second), e.g. 0.0004. */
  readonly volatility: number;
  /** What one more leg in a transaction costs, in QUOTE; defaults to DEFAULT_LEG_COST (a USD figure: every quote token here is a dollar). */
  readonly legCost?: number;
  /** The venues it has a pool on, in DEXES order; absent: every venue (a launch may open one only). */
  readonly venues?: readonly Dex[];
}

/** What a launch asks for: a new pair's pools, at a price and a value, on one venue or both. */
export interface LaunchSpec {
  /** The launch's own id (a request's, or `random:<tick>`): a launch is applied once. */
  readonly id: string;
  /** "BASE/QUOTE"; QUOTE is one of the quote tokens the market already has (USDC, USDT). */
  readonly symbol: string;
  /** Opening price, QUOTE per BASE. */
  readonly price: number;
  /** The pools' value at the opening price, in QUOTE, split evenly over the venues. */
  readonly liquidity: number;
  /** The venues it opens on, at least one. */
  readonly venues: readonly Dex[];
}

/** A pair launched on the running market: its spec travels in every snapshot, since no process knows it otherwise. */
export interface LaunchedPair {
  /** The launch's id (LaunchSpec.id). */
  readonly id: string;
  /** The tick at whose end its pools appeared: nothing trades them in that tick, competing snipers buy in the next ones. */
  readonly tick: number;
  /** The pools' value asked for, in QUOTE (the competing snipers' size scales with it). */
  readonly liquidity: number;
  /** Its full spec, `venues` included. */
  readonly spec: PairSpec;
}

/** A launch's outcome: the pair it created, or why nothing was (an expected outcome, not a failure). */
export type LaunchResult =
  | { readonly ok: true; readonly launched: LaunchedPair }
  | { readonly ok: false; readonly reason: 'PAIR_EXISTS' | 'ALREADY_LAUNCHED' };

/**
 * A venue's answer for one order size, fees and price impact included.
 * buy: amountOut is BASE (the order amount), amountIn is QUOTE paid.
 * sell: amountIn is BASE (the order amount), amountOut is QUOTE received.
 */
export interface Quote {
  readonly dex: Dex;
  readonly pair: string;
  readonly side: Side;
  readonly amountIn: number;
  readonly amountOut: number;
  /** Effective price, QUOTE per BASE, fees and impact included. */
  readonly price: number;
  /** Fee paid, expressed in QUOTE. */
  readonly fee: number;
  /** Fee as basis points of the input. */
  readonly feeBps: number;
  /** How far the pre-fee execution price is from the pool's mid price, in basis points (≥ 0). */
  readonly priceImpactBps: number;
}

/** The bound that slippageBps allows: a buy may pay at most maxAmountIn, a sell must get at least minAmountOut. */
export type SlippageLimit =
  | { readonly side: 'buy'; readonly maxAmountIn: number }
  | { readonly side: 'sell'; readonly minAmountOut: number };

/** What a slippage bound is checked against: a quote, a route or a route's totals. */
export interface Execution {
  readonly side: Side;
  readonly amountIn: number;
  readonly amountOut: number;
}

/** The outcome of executing against a pool at landing time. */
export type FillResult =
  | { readonly ok: true; readonly fill: Quote }
  | { readonly ok: false; readonly code: 'SLIPPAGE_EXCEEDED'; readonly attempted: Quote; readonly limit: SlippageLimit };

/** One leg of a route: `amount` BASE through one venue, with that venue's quote for that amount. */
export interface RouteLeg {
  readonly dex: Dex;
  readonly amount: number;
  readonly quote: Quote;
}

/**
 * How an order executes: on one venue, or split over both in one atomic transaction (two legs).
 * Totals are over the legs, fees included (buy: QUOTE in, BASE out; sell: BASE in, QUOTE out), and
 * a split also pays its second leg's cost: it adds to a buy's amountIn, comes off a sell's amountOut
 * and counts in fee.
 */
export interface Route {
  readonly kind: Dex | 'split';
  readonly pair: string;
  readonly side: Side;
  /** The order's size in BASE: the sum of the legs' amounts. */
  readonly amount: number;
  readonly legs: readonly RouteLeg[];
  readonly amountIn: number;
  readonly amountOut: number;
  /** Fees of every leg plus the second leg's cost, in QUOTE. */
  readonly fee: number;
  /** Effective price over the route, QUOTE per BASE (buy: amountIn / amountOut, sell: amountOut / amountIn). */
  readonly price: number;
}

/** A route's totals over its legs, the extra legs' cost included. */
export interface RouteTotals {
  readonly amountIn: number;
  readonly amountOut: number;
  /** Fees of every leg plus the cost of each leg after the first, in QUOTE. */
  readonly fee: number;
  /** QUOTE per BASE over the whole route. */
  readonly price: number;
}

/** The outcome of executing a route's legs in one atomic transaction: all of them, or none (the pools stay as they were). */
export type RouteFillResult =
  | ({ readonly ok: true; readonly fills: readonly Quote[] } & RouteTotals)
  | {
      readonly ok: false;
      readonly code: 'SLIPPAGE_EXCEEDED';
      readonly attempted: RouteTotals & { readonly fills: readonly Quote[] };
      readonly limit: SlippageLimit;
    }
  | { readonly ok: false; readonly code: 'INSUFFICIENT_LIQUIDITY' };

/** A routing decision: the route taken, every venue's quote for the whole size, and the reason in words (for logs). */
export interface RouteDecision {
  /** The best single-venue quote for the whole size (what a split is compared with). */
  readonly best: Quote;
  readonly route: Route;
  readonly quotes: readonly Quote[];
  readonly reason: string;
}

/** A Raydium pool's whole mutable state: its reserves (fee and decimals come from the pair spec). */
export interface CpmmState {
  readonly dex: 'raydium';
  readonly base: number;
  readonly quote: number;
}

/**
 * A Meteora pool's whole mutable state. Outside the active bin each bin holds one token only (QUOTE
 * below, BASE above), so `bins` is base64 of little-endian float64s: each bin's one non-empty side,
 * BASE for the active bin, then the active bin's QUOTE. A pool that ever breaks that shape is kept
 * whole instead: `baseBins` and `quoteBins`, one float64 per bin each.
 */
export type DlmmState =
  | { readonly dex: 'meteora'; readonly lowerId: number; readonly activeId: number; readonly bins: string }
  | { readonly dex: 'meteora'; readonly lowerId: number; readonly activeId: number; readonly baseBins: string; readonly quoteBins: string };

export type PoolState = CpmmState | DlmmState;

/** One pair at one tick: its reference price and each of its pools' state, in DEXES order. */
export interface PairSnapshot {
  readonly symbol: string;
  readonly reference: number;
  readonly pools: readonly PoolState[];
}

/**
 * Everything a market's state is, as plain JSON: the seed and time base its future ticks are drawn
 * from, the tick it stands at, and every pair. The default pairs' specs (fees, decimals, bin steps)
 * are not in it: the market or view restoring it brings the same PAIRS; a launched pair's spec is
 * (`launched`). Measured with the four default pairs: 38,800 bytes of JSON at the start, about
 * 38,950 after trading (~39 KB), 98% of it Meteora's bins in base64 (1,389 + 927 + 695 + 557 bins,
 * 8 bytes each plus the active bin's QUOTE). A launched pair adds about 3.5 KB on both venues
 * (Meteora's 279 bins), 0.4 KB on Raydium alone. `launched` and `tickPart` are optional: a snapshot from
 * before launches still loads, and one with them loads in a process that knows nothing of them
 * (it skips the pairs it has no spec for).
 */
export interface MarketSnapshot {
  readonly version: 1;
  readonly seed: number | string;
  readonly startMs: number;
  readonly tickMs: number;
  readonly tick: number;
  /** How far into its tick the market has run, 0 to 1 (1: the whole tick); the competing snipers before it have bought. Absent: 0. */
  readonly tickPart?: number;
  readonly pairs: readonly PairSnapshot[];
  /** The pairs launched so far, in launch order. Absent: none. */
  readonly launched?: readonly LaunchedPair[];
}

/** A pool's answer before the market names the venue and pair: a Quote without `dex` and `pair`. */
export type VenueQuote = Omit<Quote, 'dex' | 'pair'>;

/** An order against one pool, in BASE: what an arbitrageur or noise trader sends. */
export interface PoolOrder {
  readonly side: Side;
  readonly amount: number;
}
