import { floorTo } from './amounts.js';
import { DEXES, type Dex, type PairSpec, type Quote, type Route, type RouteLeg, type RouteTotals, type Side } from './types.js';

/**
 * The cost of a second leg in one transaction, in USD (= QUOTE for the USD-quoted pairs): the base
 * fee is per signature, so the extra leg pays only the priority fee on its compute units, about
 * 150k CU for a CPMM or DLMM swap at 1 lamport per CU: 0.00015 SOL, about 0.02 USD at 140 USD/SOL.
 */
export const DEFAULT_LEG_COST = 0.02;

/** Quotes one venue for `amount` BASE against one fixed pool state; null when it cannot fill the size. */
export type QuoteAt = (dex: Dex, amount: number) => Quote | null;

/** What one more leg costs on this pair, in QUOTE. */
export function legCostOf(pair: PairSpec): number {
  return pair.legCost ?? DEFAULT_LEG_COST;
}

export interface SplitSearch {
  readonly side: Side;
  /** The order's size in BASE. */
  readonly amount: number;
  /** Legs are whole BASE units, so they add up to the order's size exactly. */
  readonly baseDecimals: number;
  readonly quoteAt: QuoteAt;
}

const INVERSE_PHI = (Math.sqrt(5) - 1) / 2;
/** The search stops once the split is known to this share of the order (0.5 mSOL of 5,000 SOL: cents of difference at most). */
const SPLIT_TOLERANCE = 1e-7;

/**
 * Finds the two-leg split of `amount` over DEXES with the lowest total QUOTE in (buy) or the highest
 * total QUOTE out (sell), leg cost aside, by golden-section search over the first venue's share in
 * whole BASE units, within what each venue can fill; null when no split with two non-empty legs exists.
 */
export function findSplit(search: SplitSearch): readonly [RouteLeg, RouteLeg] | null {
  const { side, baseDecimals, quoteAt } = search;
  const [first, second] = DEXES;
  const unit = 10 ** baseDecimals;
  const total = Math.round(floorTo(search.amount, baseDecimals) * unit);
  const toAmount = (units: number) => units / unit;
  const quote = (dex: Dex, units: number) => (units > 0 ? quoteAt(dex, toAmount(units)) : null);

  // Both curves are convex in the order size (buy cost rises, sell proceeds flatten), so their sum
  // is convex in the split: one minimum, which golden-section search brackets without derivatives.
  const memo = new Map<number, number>();
  const cost = (units: number): number => {
    let found = memo.get(units);
    if (found === undefined) {
      const a = quote(first, units);
      const b = quote(second, total - units);
      found = !a || !b ? Infinity : side === 'buy' ? a.amountIn + b.amountIn : -(a.amountOut + b.amountOut);
      memo.set(units, found);
    }
    return found;
  };

  const tolerance = Math.max(8, total * SPLIT_TOLERANCE);
  const lower = Math.max(1, total - capacity(second, total, tolerance, quote));
  const upper = Math.min(total - 1, capacity(first, total, tolerance, quote));
  if (lower > upper) return null;
  // Real bounds probed at whole units: once the probes are 2 units apart they round to different
  // units, so each comparison still discards a part that cannot hold the minimum.
  let lo = lower;
  let hi = upper;
  cost(lo);
  cost(hi);
  while (hi - lo > tolerance) {
    const c = hi - INVERSE_PHI * (hi - lo);
    const d = lo + INVERSE_PHI * (hi - lo);
    if (cost(Math.round(c)) <= cost(Math.round(d))) hi = d;
    else lo = c;
  }
  if (hi - lo > 8) cost(Math.round((lo + hi) / 2));
  else for (let units = Math.ceil(lo); units <= Math.floor(hi); units++) cost(units);
  let best = lower;
  for (const [units, value] of memo) if (value < cost(best)) best = units;
  const a = quote(first, best);
  const b = quote(second, total - best);
  if (!a || !b) return null;
  return [
    { dex: first, amount: toAmount(best), quote: a },
    { dex: second, amount: toAmount(total - best), quote: b },
  ];
}

/** Nearly the most whole units of `total` that `dex` can fill, within `tolerance` below (a venue that fills a size fills any smaller one). */
function capacity(dex: Dex, total: number, tolerance: number, quote: (dex: Dex, units: number) => Quote | null): number {
  if (quote(dex, total)) return total;
  let lo = 0;
  let hi = total;
  while (hi - lo > Math.max(1, tolerance)) {
    const mid = Math.floor((lo + hi) / 2);
    if (quote(dex, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Sums legs into a route: one leg is that venue's quote, more legs pay `legCost` QUOTE for each leg after the first. */
export function buildRoute(side: Side, legs: readonly RouteLeg[], legCost: number): Route {
  const [head] = legs;
  if (!head) throw new RangeError('a route needs at least one leg');
  return {
    kind: legs.length === 1 ? head.dex : 'split',
    pair: head.quote.pair,
    side,
    amount: legs.reduce((sum, leg) => sum + leg.amount, 0),
    legs,
    ...routeTotals(
      side,
      legs.map((leg) => leg.quote),
      legCost,
    ),
  };
}

/** The totals of executing `fills` in one transaction, `legCost` QUOTE charged for each fill after the first. */
export function routeTotals(side: Side, fills: readonly Quote[], legCost: number): RouteTotals {
  const extra = Math.max(0, fills.length - 1) * legCost;
  const sum = (pick: (quote: Quote) => number) => fills.reduce((total, quote) => total + pick(quote), 0);
  const amountIn = sum((quote) => quote.amountIn) + (side === 'buy' ? extra : 0);
  const amountOut = sum((quote) => quote.amountOut) - (side === 'sell' ? extra : 0);
  const fee = sum((quote) => quote.fee) + extra;
  return { amountIn, amountOut, fee, price: side === 'buy' ? amountIn / amountOut : amountOut / amountIn };
}
