import { EngineError } from '../errors.js';
import type { Chain } from '../chain/types.js';
import type { PairSpec, Route, RouteDecision, Side, SlippageLimit } from '../venues/types.js';
import type { Order } from './order.js';
import { buildingEvent, routingEvent } from './order-events.js';
import { createOrderMoves, type Attempt, type Run } from './order-moves.js';
import type { Clock, EventPublisher, Ids, OrderStore } from './ports.js';
import type { Logger } from '../util/logger.js';
import { isTerminal } from './status.js';
import { createTransactionSteps } from './transaction-steps.js';

export type { Attempt };

export interface ProcessDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly chain: Chain;
  /** Routes the size against the latest pools (every venue's quote, and a split when it pays); null when none can fill it. */
  readonly route: (pair: string, side: Side, amount: number) => Promise<RouteDecision | null>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly findPair: (symbol: string) => PairSpec | undefined;
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
  const { advance, fail, expireIfLate } = createOrderMoves(deps);
  const transaction = createTransactionSteps(deps);

  return async function processOrder(orderId: string, attempt: Attempt): Promise<Order> {
    const started = await store.startAttempt(orderId, attempt.number, routingEvent(orderId, clock.now()));
    if (!started) throw new EngineError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    if (started.event) await events.publish(started.event);
    let order = started.order;
    if (isTerminal(order.status)) {
      // Delivered again after it ended: its last event may never have been published (Redis failed
      // right after the commit), so publish it again; gateways drop what they already have.
      const [last] = await store.eventsAfter(orderId, order.lastSeq - 1);
      if (last && last.type === 'order') await events.publish(last);
      return order;
    }
    const pair = findPair(order.pair);
    if (!pair) throw new EngineError('INTERNAL_ERROR', `order ${orderId} has unknown pair ${order.pair}`);
    const run: Run = { pair, attempt, amount: Number(order.amount), log: deps.log.child({ orderId, attempt: attempt.number }) };
    // A resting order (`open`) waits for its condition: it is not this delivery's to run further.
    while (!isTerminal(order.status) && order.status !== 'open') order = await step(order, run);
    return order;
  };

  /** One step from the order's status towards a terminal one; every status is handled here. */
  function step(order: Order, run: Run): Promise<Order> {
    switch (order.status) {
      case 'pending':
        return advance(order, 'pending', {}, routingEvent(order.id, clock.now()));
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

  async function route(order: Order, run: Run): Promise<Order> {
    const late = expireIfLate(order, run);
    if (late) return late;
    const decision = await deps.route(order.pair, order.side, run.amount);
    if (!decision) {
      run.log.info('no venue can fill this size');
      return fail(order, run, 'INSUFFICIENT_LIQUIDITY', `no venue can fill ${order.amount} ${run.pair.base.symbol}`);
    }
    const { route: chosen, reason } = decision;
    const limit = routeLimit(chosen, order.slippageBps);
    run.log.info({ quotes: decision.quotes, route: chosen.kind, legs: chosen.legs.length, reason, limit }, 'routed');
    // The transaction is signed here and its signature saved with the route, in the same statement:
    // saved before it is ever sent, and one write fewer per order.
    const signed = { txHash: ids.signature(), lastValidBlockHeight: chain.lastValidBlockHeight(clock.now()) };
    run.signed = signed.txHash;
    const legs = chosen.kind === 'split' ? chosen.legs.map((leg) => ({ dex: leg.dex, amount: leg.amount })) : null;
    const changes = { dex: chosen.kind, ...(legs && { legs }), limitAmount: String(limitAmount(limit)), ...signed };
    return advance(order, 'routing', changes, buildingEvent(order, decision, limit, run.pair, clock.now()));
  }
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
