import { findPair } from './pairs.js';
import { buildRoute, DEFAULT_LEG_COST, findSplit, legCostOf, type QuoteAt } from './split-route.js';
import { DEXES, type Execution, type PairSpec, type Quote, type Route, type RouteDecision, type Side, type SlippageLimit } from './types.js';

export interface RouteOptions {
  /** Quotes any size at the pool state `quotes` came from; without it no split is considered. */
  readonly quoteAt?: QuoteAt;
  /** The second leg's cost in QUOTE; defaults to the pair's in PAIRS, else DEFAULT_LEG_COST. */
  readonly legCost?: number;
  /** BASE decimals the legs are whole units of; defaults to the pair's in PAIRS (required for a split of any other pair). */
  readonly baseDecimals?: number;
}

/**
 * Picks the single venue with the best net outcome (buy: lowest price, sell: highest), ties going to
 * the dex listed first in DEXES, then, given `quoteAt`, the best split over both venues, taken only
 * when it beats that venue by more than the second leg's cost; null if no venue can fill the whole size.
 */
export function chooseRoute(quotes: readonly (Quote | null)[], side: Side, options: RouteOptions = {}): RouteDecision | null {
  const valid = quotes
    .filter((quote): quote is Quote => quote !== null)
    .sort((a, b) => DEXES.indexOf(a.dex) - DEXES.indexOf(b.dex));
  const [first, ...rest] = valid;
  if (!first) return null;
  let best = first;
  for (const quote of rest) if (side === 'buy' ? quote.price < best.price : quote.price > best.price) best = quote;
  const single = buildRoute(side, [{ dex: best.dex, amount: side === 'buy' ? best.amountOut : best.amountIn, quote: best }], 0);
  // The reason is words for people: built only when read (the trigger component weighs thousands of routes a slot and reads none).
  const decided = (route: Route, why: () => string): RouteDecision => ({
    best,
    route,
    quotes: valid,
    get reason() {
      return why();
    },
  });
  const reason = () => explain(best, valid, side);
  if (!options.quoteAt) return decided(single, reason);

  const spec = findPair(best.pair);
  const baseDecimals = options.baseDecimals ?? spec?.base.decimals;
  if (baseDecimals === undefined) throw new RangeError(`baseDecimals is required to split ${best.pair}, which is not in PAIRS`);
  const legCost = options.legCost ?? (spec ? legCostOf(spec) : DEFAULT_LEG_COST);
  if (!splitCouldPay(single, options.quoteAt, legCost)) return decided(single, reason);
  const legs = findSplit({ side, amount: single.amount, baseDecimals, quoteAt: options.quoteAt });
  const split = legs && buildRoute(side, legs, legCost);
  if (split && better(split, single, side)) return decided(split, () => explainSplit(split, best, legCost));
  return decided(single, reason);
}

/** Share of the order quoted to learn each venue's price at the smallest sizes. */
const PROBE_SHARE = 1e-3;

/**
 * Whether any split could beat the single venue by more than a leg's cost. Both cost curves are
 * convex, so every leg pays at least its venue's price at the smallest sizes: a split can save at
 * most the gap between the single route and the whole size at the best of those prices. Most
 * orders are far too small for a split to pay, and this spares them the search (a few quotes
 * against some sixty).
 */
function splitCouldPay(single: Route, quoteAt: QuoteAt, legCost: number): boolean {
  const probe = single.amount * PROBE_SHARE;
  const prices = DEXES.map((dex) => quoteAt(dex, probe)?.price).filter((price): price is number => price !== undefined && price > 0);
  if (prices.length < 2) return false;
  const bestGain = single.side === 'buy' ? single.amountIn - single.amount * Math.min(...prices) : single.amount * Math.max(...prices) - single.amountOut;
  return bestGain > legCost;
}

/** Quotes every venue for `amount` BASE of `pair` at one pool state and chooses the route, splits included. */
export function routeOrder(pair: PairSpec, side: Side, amount: number, quoteAt: QuoteAt): RouteDecision | null {
  const quotes = DEXES.map((dex) => quoteAt(dex, amount));
  return chooseRoute(quotes, side, { quoteAt, legCost: legCostOf(pair), baseDecimals: pair.base.decimals });
}

/** The bound a slippage tolerance puts on a quote or a whole route: at most this much QUOTE in for a buy, at least this much out for a sell. */
export function slippageLimit(execution: Execution, slippageBps: number): SlippageLimit {
  return execution.side === 'buy'
    ? { side: 'buy', maxAmountIn: execution.amountIn * (1 + slippageBps / 10_000) }
    : { side: 'sell', minAmountOut: execution.amountOut * (1 - slippageBps / 10_000) };
}

/** Whether a fill (a quote, or a route's totals) respects the limit (a limit for the other side never does). */
export function withinLimit(fill: Execution, limit: SlippageLimit): boolean {
  if (fill.side !== limit.side) return false;
  return limit.side === 'buy' ? fill.amountIn <= limit.maxAmountIn : fill.amountOut >= limit.minAmountOut;
}

function better(a: Route, b: Route, side: Side): boolean {
  return side === 'buy' ? a.amountIn < b.amountIn : a.amountOut > b.amountOut;
}

function explain(best: Quote, quotes: readonly Quote[], side: Side): string {
  const others = quotes.filter((quote) => quote !== best);
  const at = (quote: Quote) => `${quote.dex} at ${formatPrice(quote.price)}`;
  if (others.length === 0) return `${side} on ${at(best)}: the only venue that can fill it`;
  // Saving relative to the runner-up: what choosing the best venue is worth on this order.
  const next = others.reduce((a, b) => (side === 'buy' ? (b.price < a.price ? b : a) : b.price > a.price ? b : a));
  const savingBps = (Math.abs(next.price - best.price) / next.price) * 10_000;
  const verb = side === 'buy' ? 'pays' : 'gets';
  return `${side} on ${at(best)} vs ${at(next)}: ${verb} ${savingBps.toFixed(1)} bps ${side === 'buy' ? 'less' : 'more'}`;
}

function explainSplit(split: Route, best: Quote, legCost: number): string {
  const legs = split.legs.map((leg) => `${formatPrice(leg.amount)} on ${leg.dex} at ${formatPrice(leg.quote.price)}`).join(' + ');
  const gain = split.side === 'buy' ? best.amountIn - split.amountIn : split.amountOut - best.amountOut;
  const savingBps = (Math.abs(split.price - best.price) / best.price) * 10_000;
  const verb = split.side === 'buy' ? 'pays' : 'gets';
  const symbol = split.pair.split('/')[1] ?? 'QUOTE';
  const saved = `${verb} ${formatPrice(gain)} ${symbol} (${savingBps.toFixed(1)} bps) ${split.side === 'buy' ? 'less' : 'more'}`;
  const overall = `${formatPrice(split.price)} overall vs ${best.dex} alone at ${formatPrice(best.price)}`;
  return `${split.side} split ${legs}, ${overall}: ${saved} after the second leg's ${formatPrice(legCost)} ${symbol}`;
}

/** Six significant digits: enough to tell venues apart at any price level. */
function formatPrice(price: number): string {
  return Number(price.toPrecision(6)).toString();
}
