import { formatPrice } from '../protocol/decimal.js';
import type { RestingQuote } from '../protocol/server-messages.js';
import type { PairSpec, Route, RouteDecision, Side } from '../venues/types.js';
import type { Order } from './order.js';
import { expiredEvent, failureMessage, openEvent, routingEvent } from './order-events.js';
import { createOrderMoves, type Run } from './order-moves.js';
import type { Clock, EventPublisher, MarketNow, OrderStore } from './ports.js';
import { effectivePrice, meetsLimit, pastExpiry, sniperSize } from './resting-terms.js';

/** A resting order's condition held: the trigger component saw it at the order's `seq`. */
export interface TriggerOrder {
  readonly seq: number;
  readonly triggeredAt: number;
  /** The price that made it hold (QUOTE per BASE): a stop's reference, a limit's or sniper's effective quote. */
  readonly price: number;
}

export interface RestingDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly market: MarketNow;
  readonly route: (pair: string, side: Side, amount: number) => Promise<RouteDecision | null>;
}

/**
 * The best the market offers a resting order's size now, for its `open` event: from `route` when
 * one was just taken (at `slot`), else from the latest slot. Null when no venue can fill it.
 */
export function restingQuote(market: MarketNow, order: Pick<Order, 'pair' | 'side' | 'amount' | 'type'>, pair: PairSpec, route: Route | null, slot?: number): RestingQuote | null {
  if (order.type === 'sniper' && !route) return null; // its size is only known once it buys
  const now = route ? null : market.route(order.pair, order.side, Number(order.amount));
  const chosen = route ?? now?.route;
  const reference = market.reference(order.pair);
  if (!chosen || reference === null) return null;
  const decimals = pair.quote.decimals;
  return { dex: chosen.kind, price: formatPrice(effectivePrice(chosen), decimals), reference: formatPrice(reference, decimals), slot: slot ?? now?.slot ?? market.slot() ?? 0 };
}

/**
 * The steps only resting types take: placing a new limit, stop or sniper (a limit that crosses at
 * once goes straight to routing, an IOC that does not expires, the rest rest), and the guarded
 * `open → routing` of a trigger.
 */
export function createRestingSteps(deps: RestingDeps) {
  const { store, clock, market } = deps;
  const { advance, expire, reload } = createOrderMoves(deps);

  const quoteOf = (order: Order, pair: PairSpec, route: Route | null, slot?: number) => restingQuote(market, order, pair, route, slot);

  /** A new resting order, first seen by a worker. */
  async function place(order: Order, run: Run): Promise<Order> {
    const now = clock.now();
    if (pastExpiry(order, now)) return expire(order, run, 'EXPIRED', 'its expireAt had come before it could rest');
    if (order.type === 'limit') {
      const decision = await deps.route(order.pair, order.side, run.amount);
      const price = decision && effectivePrice(decision.route);
      if (decision && price !== null && meetsLimit(order.side, price, Number(order.limitPrice))) {
        run.decision = decision; // routing takes this very route
        const triggered = { triggeredAt: now, price: formatPrice(price, run.pair.quote.decimals) };
        return advance(order, 'pending', { triggeredAt: now }, routingEvent(order.id, now, triggered));
      }
      const quote = decision && quoteOf(order, run.pair, decision.route);
      if (order.timeInForce === 'IOC') {
        const best = price === null ? 'no venue can fill it' : `the best effective price was ${formatPrice(price, run.pair.quote.decimals)}`;
        return expire(order, run, 'LIMIT_NOT_REACHED', `${best}, past the limit ${order.limitPrice}`);
      }
      return advance(order, 'pending', {}, openEvent(order, 'placed', quote, now));
    }
    // Stops and snipers are weighed by the trigger component at every slot, from the first one after this.
    const quote = order.type === 'stop' ? quoteOf(order, run.pair, null) : null;
    return advance(order, 'pending', {}, openEvent(order, 'placed', quote, now));
  }

  /**
   * Triggers a resting order: `open → routing`, guarded by the seq the trigger saw, so a trigger
   * from before an amend (or one delivered twice) does nothing. Returns the order as it stands.
   */
  async function trigger(order: Order, pair: PairSpec, trigger: TriggerOrder, run: Run): Promise<Order> {
    // Its expireAt came between the trigger and now: it ends, it does not go (guarded by the same seq).
    if (pastExpiry(order, clock.now())) {
      const reason = 'its expireAt came before it could be sent';
      run.log.info({ reason }, 'order expired');
      const draft = expiredEvent(order.id, failureMessage('EXPIRED', reason), clock.now(), 'EXPIRED');
      const ended = await store.transition(order.id, 'open', { failureCode: 'EXPIRED', failureReason: reason }, draft, { expectedSeq: trigger.seq });
      if (!ended) return reload(order.id);
      await deps.events.publish(ended.event, ended.order);
      return ended.order;
    }
    const triggered = { triggeredAt: trigger.triggeredAt, price: formatPrice(trigger.price, pair.quote.decimals) };
    const result = await store.transition(
      order.id,
      'open',
      { triggeredAt: trigger.triggeredAt },
      routingEvent(order.id, clock.now(), triggered),
      { expectedSeq: trigger.seq },
    );
    if (!result) return reload(order.id); // amended, cancelled or triggered meanwhile: this trigger is stale
    await deps.events.publish(result.event, result.order);
    return result.order;
  }

  /** How much BASE a sniper buys now (resting-terms.ts sniperSize); null while its pair has no pool (it has not launched). */
  function sniperSizeOf(order: Order, pair: PairSpec): number | null {
    const reference = market.reference(order.pair);
    if (reference === null) return null;
    const costOf = (base: number) => market.route(order.pair, 'buy', base)?.route.amountIn ?? null;
    return sniperSize(Number(order.amount), Number(order.limitPrice), costOf, reference, 10 ** -pair.base.decimals);
  }

  return { place, trigger, sniperSize: sniperSizeOf, quoteOf };
}

export type RestingSteps = ReturnType<typeof createRestingSteps>;
