import type { ErrorCode } from '../errors.js';
import { toWireQuote, toWireRoute } from '../orders/wire-quote.js';
import type { QuoteMessage as QuoteRequest } from '../protocol/client-messages.js';
import { decimalPlaces } from '../protocol/decimal.js';
import type { PairInfo, QuoteMessage } from '../protocol/server-messages.js';
import type { MarketData } from './market-data.js';

/** The reply to a quote request, or why there is none (a code from the catalogue). */
export type QuoteOutcome =
  | { readonly ok: true; readonly reply: QuoteMessage }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly field?: string };

export interface QuoteReplyDeps {
  /** The traded pairs: any other pair is UNKNOWN_PAIR. */
  readonly pairs: () => readonly PairInfo[];
  readonly marketData: MarketData;
  readonly now: () => number;
}

/**
 * Answers a decoded quote request from the latest slot's pools, formatted like the building event
 * (the pair's decimals). Checks the request as a submit is checked; creates nothing.
 */
export function answerQuote(request: QuoteRequest, deps: QuoteReplyDeps): QuoteOutcome {
  const traded = deps.pairs().find((pair) => pair.symbol === request.pair);
  if (!traded) return refuse('UNKNOWN_PAIR', `pair ${request.pair} is not traded here`, 'pair');
  if (decimalPlaces(request.amount) > traded.base.decimals) {
    return refuse('INVALID_MESSAGE', `amount: ${traded.base.symbol} has at most ${traded.base.decimals} decimals`, 'amount');
  }
  if (deps.marketData.slot() === null) return refuse('SERVICE_UNAVAILABLE', 'market data is not available yet; retry in a moment');
  const pair = deps.marketData.livePairs().find((live) => live.symbol === request.pair);
  if (!pair) return refuse('INSUFFICIENT_LIQUIDITY', `no venue has a live ${request.pair} pool now`);
  const routed = deps.marketData.quote(request.pair, request.side, Number(request.amount));
  if (!routed) return refuse('INSUFFICIENT_LIQUIDITY', `no venue can fill ${request.amount} ${pair.base.symbol} on ${pair.symbol} now`, 'amount');
  return {
    ok: true,
    reply: {
      type: 'quote',
      ...(request.reqId !== undefined && { reqId: request.reqId }),
      pair: pair.symbol,
      side: request.side,
      amount: request.amount,
      slot: routed.slot,
      quotes: routed.quotes.map((quote) => toWireQuote(quote, pair)),
      best: routed.route.kind,
      route: toWireRoute(routed.route, pair),
      ts: deps.now(),
    },
  };
}

const refuse = (code: ErrorCode, message: string, field?: string): QuoteOutcome => ({ ok: false, code, message, ...(field !== undefined && { field }) });
