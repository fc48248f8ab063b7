import { EngineError } from '../errors.js';
import { ChainUnavailableError, type Chain } from '../chain/types.js';
import type { PairSpec, Route, RouteDecision, Side, SlippageLimit } from '../venues/types.js';
import type { Order } from './order.js';
import { buildingEvent, routingEvent } from './order-events.js';
import { createOrderMoves, type Attempt, type Run } from './order-moves.js';
import type { Clock, EventPublisher, Ids, MarketNow, OrderStore } from './ports.js';
import { createRestingSteps, type TriggerOrder } from './resting-steps.js';
import { effectivePrice, meetsLimit, pastExpiry, priceLimit, pricedByLimit, rests } from './resting-terms.js';
import type { Logger } from '../util/logger.js';
import { isTerminal } from './status.js';
import { createTransactionSteps } from './transaction-steps.js';

export type { Attempt, TriggerOrder };

/** How long quotes may take before a taken-up order is shown `routing` on its own, rather than with its route. */
export const ROUTING_SHOWN_AFTER_MS = 50;

export interface ProcessDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly chain: Chain;
  /** Routes the size against the latest pools (every venue's quote, and a split when it pays); null when none can fill it. */
  readonly route: (pair: string, side: Side, amount: number) => Promise<RouteDecision | null>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly findPair: (symbol: string) => PairSpec | undefined;
  /** The latest slot's market without the quote latency: resting orders' quotes and a sniper's size. */
  readonly market: MarketNow;
  readonly log: Logger;
}

/**
 * Drives one order from wherever it stands to a terminal status. Every step is guarded in the store
 * and re-entrant, so a retried or re-delivered job resumes instead of repeating: a saved signature is
 * looked up on the chain before anything is sent again, and an order is never executed twice.
 * Throws TransientSendError when the attempt should be retried; returns the order once terminal.
 */
export function createProcessOrder(deps: ProcessDeps) {
  const { store, events, chain, clock, ids, findPair } = deps;
  const { advance, fail, expire, expireIfLate, restAgain } = createOrderMoves(deps);
  const transaction = createTransactionSteps(deps);
  const resting = createRestingSteps(deps);

  /**
   * Drives the order; with `trigger`, a resting order whose condition the trigger component saw
   * hold is first moved `open → routing` (only if it still stands at the seq the trigger saw).
   */
  return async function processOrder(orderId: string, attempt: Attempt, trigger?: TriggerOrder): Promise<Order> {
    const takenUpAt = clock.now();
    let order = await store.startAttempt(orderId, attempt.number);
    if (!order) throw new EngineError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    // A pending market order is taken up now: its routing event is written with its first move.
    const takenUp = order.status === 'pending' && order.type === 'market';
    // Delivered again after it ended (or while it rests, without a trigger of its own): its last
    // event may never have been published (Redis failed right after the commit), so publish it
    // again; gateways and the trigger component drop what they already have.
    if (isTerminal(order.status) || (order.status === 'open' && (!trigger || trigger.seq !== order.lastSeq))) return republishLast(order);
    // A trigger job for an order some other trigger already moved on (a second, stale job) leaves it to that one.
    if (trigger && order.status !== 'open' && order.triggeredAt !== trigger.triggeredAt) return order;
    // A sniper may be placed before its pair launches: it only rests until then, needing no pair spec.
    const pair = findPair(order.pair) ?? (order.type === 'sniper' && order.status === 'pending' ? unlaunched(order.pair) : undefined);
    if (!pair && order.type === 'sniper') throw new ChainUnavailableError(`the launch of ${order.pair} has not reached this worker yet`);
    if (!pair) throw new EngineError('INTERNAL_ERROR', `order ${orderId} has unknown pair ${order.pair}`);
    const run: Run = {
      pair,
      attempt,
      amount: baseAmountOf(order),
      ...(takenUp && { routing: routingEvent(orderId, takenUpAt) }),
      log: deps.log.child({ orderId, attempt: attempt.number }),
    };
    if (trigger && order.status === 'open') order = await resting.trigger(order, pair, trigger, run);
    // A resting order (`open`) waits for its condition: it is not this delivery's to run further.
    while (!isTerminal(order.status) && order.status !== 'open') order = await step(order, run);
    return order;
  };

  async function republishLast(order: Order): Promise<Order> {
    const [last] = await store.eventsAfter(order.id, order.lastSeq - 1);
    if (last && last.type === 'order') await events.publish(last, order);
    return order;
  }

  /** One step from the order's status towards a terminal one; every status is handled here. */
  function step(order: Order, run: Run): Promise<Order> {
    switch (order.status) {
      case 'pending':
        if (rests(order)) return resting.place(order, run);
        return route(order, run); // through routing to building (or to its end) in one write
      case 'routing':
        return route(order, run);
      case 'building':
        return transaction.send(order, run);
      case 'submitted':
        return transaction.settle(order, run);
      case 'open':
      case 'confirmed':
      case 'failed':
      case 'cancelled':
      case 'expired':
        return Promise.resolve(order);
      default:
        return assertNever(order.status);
    }
  }

  /** Routes a `routing` order, or a `pending` market order taken up by this run (passing through routing). */
  async function route(taken: Order, run: Run): Promise<Order> {
    let order = taken;
    // A GTD order (or sniper) is never sent after its expireAt, even if it triggered just before.
    if (pastExpiry(order, clock.now())) return expire(order, run, 'EXPIRED', 'its expireAt came before it was sent');
    const late = expireIfLate(order, run);
    if (late) return late;
    if (order.type === 'sniper') {
      const size = resting.sniperSize(order, run.pair);
      if (size === null) return restAgain(order, run, 'LIMIT_NOT_REACHED', 'its pair has no pool to buy from yet', null);
      run.amount = size;
    }
    let decision: RouteDecision | null | undefined = run.decision;
    run.decision = undefined;
    if (!decision) {
      const routed = deps.route(order.pair, order.side, run.amount);
      // Quotes that come back at once are written with the move they lead to. Slow ones (the
      // venues' latency) first make the order `routing` on its own, so its client sees it taken up.
      if (order.status === 'pending' && run.routing && (await Promise.race([routed.then(() => false), clock.sleep(ROUTING_SHOWN_AFTER_MS).then(() => true)]))) {
        order = await advance(order, 'pending', { attempts: run.attempt.number }, run.routing);
        if (order.status !== 'routing') return order; // cancelled or expired meanwhile
      }
      decision = await routed;
    }
    if (!decision) {
      run.log.info('no venue can fill this size');
      if (pricedByLimit(order)) return restAgain(order, run, 'LIMIT_NOT_REACHED', 'no venue can fill it now', null);
      return fail(order, run, 'INSUFFICIENT_LIQUIDITY', `no venue can fill ${order.amount} ${run.pair.base.symbol}`);
    }
    const { route: chosen, reason } = decision;
    if (pricedByLimit(order)) {
      const price = effectivePrice(chosen);
      if (!meetsLimit(order.side, price, Number(order.limitPrice))) {
        const why = `the best effective price moved to ${price} before it was routed, past the limit ${order.limitPrice}`;
        return restAgain(order, run, 'LIMIT_NOT_REACHED', why, resting.quoteOf(order, run.pair, chosen));
      }
    }
    // A limit (or sniper) is bounded by its own price: its fill can never be worse, whatever the pool does before landing.
    const spend = order.type === 'sniper' ? Number(order.amount) : undefined;
    const limit = pricedByLimit(order) ? priceLimit(order.side, run.amount, Number(order.limitPrice), spend) : routeLimit(chosen, order.slippageBps);
    run.log.info({ quotes: decision.quotes, route: chosen.kind, legs: chosen.legs.length, reason, limit }, 'routed');
    // The transaction is signed here and its signature saved with the route, in the same statement:
    // saved before it is ever sent, and one write fewer per order.
    const signed = { txHash: ids.signature(), lastValidBlockHeight: chain.lastValidBlockHeight(clock.now()) };
    run.signed = signed.txHash;
    // A sniper's legs are always kept: its BASE size is decided here, not in its `amount` (the spend).
    const legs = chosen.kind === 'split' || order.type === 'sniper' ? chosen.legs.map((leg) => ({ dex: leg.dex, amount: leg.amount })) : null;
    const changes = { dex: chosen.kind, ...(legs && { legs }), limitAmount: String(limitAmount(limit)), ...signed };
    return advance(order, order.status, changes, buildingEvent(order, decision, limit, run.pair, clock.now()), run);
  }
}

/** A stand-in spec for a pair that has not launched yet (only its symbol is ever read). */
function unlaunched(symbol: string): PairSpec {
  const [base = symbol, quote = ''] = symbol.split('/');
  const token = (name: string) => ({ symbol: name, decimals: 6 });
  return { symbol, base: token(base), quote: token(quote), initialPrice: 1, raydiumBaseReserve: 0, meteoraBinStep: 1, meteoraBaseLiquidityPerBin: 0, volatility: 0 };
}

/** The BASE an order trades: its amount, or a routed sniper's legs (0 until it is routed). */
function baseAmountOf(order: Order): number {
  if (order.type !== 'sniper') return Number(order.amount);
  return (order.legs ?? []).reduce((sum, leg) => sum + leg.amount, 0);
}

/** The bound slippageBps puts on the whole transaction: at most this much QUOTE in for a buy, at least this much out for a sell. */
function routeLimit(route: Route, slippageBps: number): SlippageLimit {
  return route.side === 'buy'
    ? { side: 'buy', maxAmountIn: route.amountIn * (1 + slippageBps / 10_000) }
    : { side: 'sell', minAmountOut: route.amountOut * (1 - slippageBps / 10_000) };
}

function limitAmount(limit: SlippageLimit): number {
  return limit.side === 'buy' ? limit.maxAmountIn : limit.minAmountOut;
}

function assertNever(value: never): never {
  throw new Error(`unhandled order status ${JSON.stringify(value)}`);
}

export type ProcessOrder = ReturnType<typeof createProcessOrder>;
