import type { ErrorCode } from '../errors.js';
import type { SubmitMessage } from '../protocol/client-messages.js';
import { decimalPlaces } from '../protocol/decimal.js';
import type { PairSpec, Token } from '../venues/types.js';
import { NO_RESTING_TERMS, type NewOrder } from './order.js';

/** The order's terms, from a submit of any type. */
export type OrderTerms = Omit<NewOrder, 'id' | 'accountId' | 'clientOrderId'>;

export type TermsResult = { readonly ok: true; readonly terms: OrderTerms } | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly field: string };

/** The slippage a resting order is stored with when its type takes none (limit and sniper fills are bounded by their price). */
const UNUSED_SLIPPAGE_BPS = 50;


export interface PairLookup {
  /** The traded pair, default or launched. */
  readonly findPair: (symbol: string) => PairSpec | undefined;
  /** A token pairs may be quoted in (a sniper may name a pair that has not launched yet, but not an unknown quote). */
  readonly quoteToken: (symbol: string) => Token | undefined;
  readonly nowMs: number;
}

/**
 * Checks a well-formed submit against the pairs and the clock, and gives the terms to store. A
 * sniper's pair may not exist yet (it waits for the launch): its quote token must be one the
 * venues trade against, and its `amount` is the QUOTE it spends.
 */
export function termsOfSubmit(message: SubmitMessage, lookup: PairLookup): TermsResult {
  const { type, side } = message;
  const refuse = (code: ErrorCode, field: string, text: string): TermsResult => ({ ok: false, code, message: `${field}: ${text}`, field });
  if ('expireAt' in message && message.expireAt !== undefined && message.expireAt <= lookup.nowMs) {
    return refuse('INVALID_ORDER', 'expireAt', 'must be in the future');
  }
  if (message.type === 'sniper') {
    const pair = lookup.findPair(message.pair);
    const quote = pair?.quote ?? lookup.quoteToken(message.pair.split('/')[1]!);
    if (!quote) return { ok: false, code: 'UNKNOWN_PAIR', message: `pair ${message.pair} is not quoted in a token traded here`, field: 'pair' };
    if (decimalPlaces(message.spend) > quote.decimals) return refuse('INVALID_ORDER', 'spend', `${quote.symbol} has at most ${quote.decimals} decimals`);
    return {
      ok: true,
      terms: { type, side, pair: message.pair, amount: message.spend, slippageBps: UNUSED_SLIPPAGE_BPS, deadlineMs: message.deadlineMs, ...NO_RESTING_TERMS, limitPrice: message.maxPrice, expireAt: message.expireAt ?? null },
    };
  }
  const pair = lookup.findPair(message.pair);
  if (!pair) return { ok: false, code: 'UNKNOWN_PAIR', message: `pair ${message.pair} is not traded here`, field: 'pair' };
  if (decimalPlaces(message.amount) > pair.base.decimals) return refuse('INVALID_ORDER', 'amount', `${pair.base.symbol} has at most ${pair.base.decimals} decimals`);
  const common = { type, side, pair: pair.symbol, amount: message.amount, deadlineMs: message.deadlineMs };
  switch (message.type) {
    case 'market':
      return { ok: true, terms: { ...common, slippageBps: message.slippageBps, ...NO_RESTING_TERMS } };
    case 'limit':
      return {
        ok: true,
        terms: { ...common, slippageBps: UNUSED_SLIPPAGE_BPS, ...NO_RESTING_TERMS, limitPrice: message.limitPrice, timeInForce: message.timeInForce, expireAt: message.expireAt ?? null },
      };
    case 'stop':
      return {
        ok: true,
        terms: {
          ...common,
          slippageBps: message.slippageBps,
          ...NO_RESTING_TERMS,
          triggerPrice: message.triggerPrice,
          trigger: message.trigger,
          timeInForce: message.timeInForce,
          expireAt: message.expireAt ?? null,
        },
      };
  }
}
