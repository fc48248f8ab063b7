import { EngineError, type ErrorCode } from '../errors.js';
import type { PairSpec } from '../venues/types.js';
import type { Order, OrderChanges } from './order.js';
import { failedEvent, failureMessage } from './order-events.js';
import type { Clock, EventDraft, EventPublisher, OrderStore } from './ports.js';
import type { Logger } from '../util/logger.js';
import type { OrderStatus } from './status.js';

/** Which delivery of the job this is: BullMQ runs a job at least once, up to `max` attempts. */
export interface Attempt {
  readonly number: number;
  readonly max: number;
}

/** What one delivery knows while it drives one order. */
export interface Run {
  /** The signature this delivery signed, if any (known never to have been sent before). */
  signed?: string;
  readonly pair: PairSpec;
  readonly attempt: Attempt;
  readonly amount: number;
  readonly log: Logger;
}

/** The guarded writes every step of an order's execution goes through. */
export interface OrderMoves {
  /** Applies a guarded status change, then publishes its (already persisted) event. */
  advance(order: Order, from: OrderStatus, changes: OrderChanges, draft: EventDraft): Promise<Order>;
  /** Fails the order from wherever it stands, recording the code, the reason and the attempt. */
  fail(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order>;
  /** The order as the store has it now. */
  reload(orderId: string): Promise<Order>;
}

/** Builds the guarded moves on the store, publishing each event once it is durable. */
export function createOrderMoves(deps: { readonly store: OrderStore; readonly events: EventPublisher; readonly clock: Clock }): OrderMoves {
  const { store, events, clock } = deps;

  async function advance(order: Order, from: OrderStatus, changes: OrderChanges, draft: EventDraft): Promise<Order> {
    const result = await store.transition(order.id, from, changes, draft);
    if (!result) return reload(order.id); // another delivery of this job moved it first; carry on from there
    await events.publish(result.event);
    return result.order;
  }

  function fail(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order> {
    run.log.info({ code, reason }, 'order failed');
    const attempts = run.attempt.number;
    const event = failedEvent(order.id, { code, message: failureMessage(code, reason), attempts, dex: order.dex, txHash: order.txHash }, clock.now());
    return advance(order, order.status, { failureCode: code, failureReason: reason, attempts }, event);
  }

  async function reload(orderId: string): Promise<Order> {
    const order = await store.get(orderId);
    if (!order) throw new EngineError('INTERNAL_ERROR', `order ${orderId} vanished`);
    return order;
  }

  return { advance, fail, reload };
}
