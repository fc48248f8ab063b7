import { ERRORS, type ErrorCode } from '../errors.js';
import type { AmendMessage } from '../protocol/client-messages.js';
import { decimalPlaces } from '../protocol/decimal.js';
import type { PairSpec } from '../venues/types.js';
import { findOrder } from './find-order.js';
import type { Order, OrderChanges } from './order.js';
import { openEvent } from './order-events.js';
import type { Clock, EventPublisher, MarketNow, OrderStore } from './ports.js';
import { restingQuote } from './resting-steps.js';
import type { OrderStatus } from './status.js';

export type AmendResult =
  | { readonly ok: true; readonly orderId: string; readonly seq: number }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly field?: string; readonly status?: OrderStatus };

export interface AmendDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly market: MarketNow;
  readonly findPair: (symbol: string) => PairSpec | undefined;
}

/**
 * Changes the terms of a resting order. Only an `open` order can be amended, and the store's guard
 * decides: an amend racing a trigger either wins (the trigger, taken at the old seq, then does
 * nothing, and the new terms are weighed at the next slot) or is refused with NOT_AMENDABLE and the
 * status that beat it. Each type takes the terms it has: limitPrice (limit), triggerPrice (stop),
 * amount (a sniper's spend), expireAt (GTD orders and snipers).
 */
export function createAmendOrder(deps: AmendDeps) {
  const { store, events, clock } = deps;
  return async function amendOrder(message: AmendMessage, accountId: string): Promise<AmendResult> {
    const order = await findOrder(store, message, accountId);
    if (!order) return { ok: false, code: 'ORDER_NOT_FOUND', message: ERRORS.ORDER_NOT_FOUND.message };
    if (order.status !== 'open') return notAmendable(order.status);
    const checked = changesOf(order, message, deps.findPair(order.pair), clock.now());
    if ('code' in checked) return checked;
    const amended = { ...order, ...checked };
    const pair = deps.findPair(order.pair);
    const quote = pair ? restingQuote(deps.market, amended, pair, null) : null;
    // Guarded by the seq it was read at: two amends at once never leave an event with the other's terms left out.
    const result = await store.transition(order.id, 'open', checked, openEvent(amended, 'amended', quote, clock.now()), { expectedSeq: order.lastSeq });
    if (!result) return notAmendable((await store.get(order.id))?.status ?? order.status);
    await events.publish(result.event, result.order);
    return { ok: true, orderId: order.id, seq: result.event.seq };
  };
}

/** A sniper's quote token before its pair launches: the decimals its spend is checked against. */
function quoteOfSymbol(symbol: string): { symbol: string; decimals: number } | undefined {
  const quote = symbol.split('/')[1];
  return quote === undefined ? undefined : { symbol: quote, decimals: 6 };
}

function notAmendable(status: OrderStatus): AmendResult {
  return { ok: false, code: 'NOT_AMENDABLE', message: `${ERRORS.NOT_AMENDABLE.message}: it is ${status}`, status };
}

/** The new terms, checked against the order's type; or why they cannot apply. */
function changesOf(order: Order, message: AmendMessage, pair: PairSpec | undefined, nowMs: number): OrderChanges | Extract<AmendResult, { ok: false }> {
  const refuse = (field: string, text: string) => ({ ok: false as const, code: 'INVALID_MESSAGE' as const, message: `${field}: ${text}`, field });
  if (message.limitPrice !== undefined && order.type !== 'limit') return refuse('limitPrice', `a ${order.type} order has no limitPrice`);
  if (message.triggerPrice !== undefined && order.type !== 'stop') return refuse('triggerPrice', `a ${order.type} order has no triggerPrice`);
  if (message.expireAt !== undefined) {
    if (order.type !== 'sniper' && order.timeInForce !== 'GTD') return refuse('expireAt', 'only a GTD order (or a sniper) has an expireAt');
    if (message.expireAt <= nowMs) return refuse('expireAt', 'must be in the future');
  }
  if (message.amount !== undefined) {
    const token = order.type === 'sniper' ? (pair?.quote ?? quoteOfSymbol(order.pair)) : pair?.base;
    if (token && decimalPlaces(message.amount) > token.decimals) return refuse('amount', `${token.symbol} has at most ${token.decimals} decimals`);
  }
  return {
    ...(message.amount !== undefined && { amount: message.amount }),
    ...(message.limitPrice !== undefined && { limitPrice: message.limitPrice }),
    ...(message.triggerPrice !== undefined && { triggerPrice: message.triggerPrice }),
    ...(message.expireAt !== undefined && { expireAt: message.expireAt }),
  };
}
