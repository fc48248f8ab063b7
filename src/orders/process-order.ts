import { EngineError } from '../errors.js';
import type { SimulatedChain } from '../venues/chain.js';
import { chooseRoute, slippageLimit } from '../venues/router.js';
import { DEXES, type Dex, type PairSpec, type Quote, type Side, type SlippageLimit } from '../venues/types.js';
import type { Order } from './order.js';
import { buildingEvent, routingEvent } from './order-events.js';
import { createOrderMoves, type Attempt, type Run } from './order-moves.js';
import type { Clock, EventPublisher, Ids, OrderStore } from './ports.js';
import type { Logger } from '../log.js';
import { isTerminal } from './status.js';
import { createTransactionSteps } from './transaction-steps.js';

export type { Attempt };

export interface ProcessDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly chain: SimulatedChain;
  readonly quote: (dex: Dex, pair: string, side: Side, amount: number) => Promise<Quote | null>;
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
  const { advance, fail } = createOrderMoves(deps);
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
    while (!isTerminal(order.status)) order = await step(order, run);
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
      case 'confirmed':
      case 'failed':
      case 'cancelled':
        return Promise.resolve(order);
      default:
        return assertNever(order.status);
    }
  }

  async function route(order: Order, run: Run): Promise<Order> {
    const quotes = await Promise.all(DEXES.map((dex) => deps.quote(dex, order.pair, order.side, run.amount)));
    const decision = chooseRoute(quotes, order.side);
    if (!decision) {
      run.log.info({ quotes }, 'no venue can fill this size');
      return fail(order, run, 'INSUFFICIENT_LIQUIDITY', `no venue can fill ${order.amount} ${run.pair.base.symbol}`);
    }
    const { best, reason } = decision;
    const limit = slippageLimit(best, order.slippageBps);
    run.log.info({ quotes: decision.quotes, dex: best.dex, reason, limit }, 'routed');
    // The transaction is signed here and its signature saved with the route, in the same statement:
    // saved before it is ever sent, and one write fewer per order.
    const signed = { txHash: ids.signature(), lastValidBlockHeight: chain.lastValidBlockHeight(clock.now()) };
    run.signed = signed.txHash;
    const changes = { dex: best.dex, limitAmount: String(limitAmount(limit)), ...signed };
    return advance(order, 'routing', changes, buildingEvent(order, decision, limit, run.pair, clock.now()));
  }
}

function limitAmount(limit: SlippageLimit): number {
  return limit.side === 'buy' ? limit.maxAmountIn : limit.minAmountOut;
}

function assertNever(value: never): never {
  throw new Error(`unhandled order status ${JSON.stringify(value)}`);
}

export type ProcessOrder = ReturnType<typeof createProcessOrder>;
