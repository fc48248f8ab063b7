/** The two simulated venues. Order matters: it is the deterministic tie-break (first wins). */
export const DEXES = ['raydium', 'meteora'] as const;
export type Dex = (typeof DEXES)[number];

export type Side = 'buy' | 'sell';

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
}

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

/** The outcome of executing against a pool at landing time. */
export type FillResult =
  | { readonly ok: true; readonly fill: Quote }
  | { readonly ok: false; readonly code: 'SLIPPAGE_EXCEEDED'; readonly attempted: Quote; readonly limit: SlippageLimit };

/** A routing decision: the winner, both quotes, and the reason in words (for logs). */
export interface RouteDecision {
  readonly best: Quote;
  readonly quotes: readonly Quote[];
  readonly reason: string;
}

/** A pool's answer before the market names the venue and pair: a Quote without `dex` and `pair`. */
export type VenueQuote = Omit<Quote, 'dex' | 'pair'>;

/** An order against one pool, in BASE: what an arbitrageur or noise trader sends. */
export interface PoolOrder {
  readonly side: Side;
  readonly amount: number;
}
