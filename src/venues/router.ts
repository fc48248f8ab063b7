import { DEXES, type Quote, type RouteDecision, type Side, type SlippageLimit } from './types.js';

/** Picks the quote with the best net outcome (buy: lowest price, sell: highest), ties going to the dex listed first in DEXES; null if none can fill. */
export function chooseRoute(quotes: readonly (Quote | null)[], side: Side): RouteDecision | null {
  const valid = quotes
    .filter((quote): quote is Quote => quote !== null)
    .sort((a, b) => DEXES.indexOf(a.dex) - DEXES.indexOf(b.dex));
  const [first, ...rest] = valid;
  if (!first) return null;
  let best = first;
  for (const quote of rest) if (side === 'buy' ? quote.price < best.price : quote.price > best.price) best = quote;
  return { best, quotes: valid, reason: explain(best, valid, side) };
}

/** The bound a slippage tolerance puts on a quote: at most this much QUOTE in for a buy, at least this much out for a sell. */
export function slippageLimit(quote: Quote, slippageBps: number): SlippageLimit {
  return quote.side === 'buy'
    ? { side: 'buy', maxAmountIn: quote.amountIn * (1 + slippageBps / 10_000) }
    : { side: 'sell', minAmountOut: quote.amountOut * (1 - slippageBps / 10_000) };
}

/** Whether a fill respects the limit (a limit for the other side never does). */
export function withinLimit(fill: Quote, limit: SlippageLimit): boolean {
  if (fill.side !== limit.side) return false;
  return limit.side === 'buy' ? fill.amountIn <= limit.maxAmountIn : fill.amountOut >= limit.minAmountOut;
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

/** Six significant digits: enough to tell venues apart at any price level. */
function formatPrice(price: number): string {
  return Number(price.toPrecision(6)).toString();
}
