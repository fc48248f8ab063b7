import type { PairSpec, Quote, Route, SlippageLimit } from '../venues/types.js';
import { formatPrice, formatUnits } from '../protocol/decimal.js';
import type { WireLimit, WireQuote, WireRouteLeg } from '../protocol/server-messages.js';

/** Decimals of a quote's input and output: a buy pays QUOTE for BASE, a sell the reverse. */
export function sideDecimals(pair: PairSpec, side: Quote['side']): { in: number; out: number } {
  return side === 'buy' ? { in: pair.quote.decimals, out: pair.base.decimals } : { in: pair.base.decimals, out: pair.quote.decimals };
}

/** A venue quote as it goes on the wire. */
export function toWireQuote(quote: Quote, pair: PairSpec): WireQuote {
  const decimals = sideDecimals(pair, quote.side);
  return {
    dex: quote.dex,
    price: formatPrice(quote.price, pair.quote.decimals),
    amountIn: formatUnits(quote.amountIn, decimals.in),
    amountOut: formatUnits(quote.amountOut, decimals.out),
    fee: formatUnits(quote.fee, pair.quote.decimals),
    feeBps: round2(quote.feeBps),
    priceImpactBps: round2(quote.priceImpactBps),
  };
}

/** The slippage bound as it goes on the wire (always in QUOTE). */
export function toWireLimit(limit: SlippageLimit, pair: PairSpec): WireLimit {
  return limit.side === 'buy'
    ? { maxAmountIn: formatUnits(limit.maxAmountIn, pair.quote.decimals) }
    : { minAmountOut: formatUnits(limit.minAmountOut, pair.quote.decimals) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A route's legs as they go on the wire: each leg's BASE amount, and the QUOTE it pays (buy) or receives (sell). */
export function toWireRoute(route: Route, pair: PairSpec): WireRouteLeg[] {
  return route.legs.map((leg) => {
    const amount = formatUnits(leg.amount, pair.base.decimals);
    return route.side === 'buy'
      ? { dex: leg.dex, amount, amountIn: formatUnits(leg.quote.amountIn, pair.quote.decimals) }
      : { dex: leg.dex, amount, amountOut: formatUnits(leg.quote.amountOut, pair.quote.decimals) };
  });
}
