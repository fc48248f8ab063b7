import { EngineError, type ErrorCode } from '../errors.js';
import type { TxOutcome } from '../chain/types.js';
import type { PairSpec } from '../venues/types.js';
import type { Order, OrderChanges } from './order.js';
import { expiredEvent, failedEvent, failureMessage } from './order-events.js';
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
  /** When the transaction this delivery just sent is due to land: no need to ask the chain before then. */
  sentLandsAt?: number;
  /** The outcome the landing subscription brought: no need to ask the chain for it again. */
  outcome?: TxOutcome;
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
  /**
   * Expires the order if its deadline has passed (it must not have been sent), and returns it so;
   * null while it is still in time. Only market orders have a deadline.
   */
  expireIfLate(order: Order, run: Run): Promise<Order> | null;
  /** How late the order is past its deadline, ms (≤ 0: in time, or no deadline). */
  lateBy(order: Order): number;
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

  function lateBy(order: Order): number {
    return order.deadlineMs === null ? 0 : clock.now() - (order.createdAt + order.deadlineMs);
  }

  function expireIfLate(order: Order, run: Run): Promise<Order> | null {
    const lateByMs = lateBy(order);
    if (lateByMs <= 0) return null;
    const reason = `not sent within its ${order.deadlineMs} ms deadline (${lateByMs} ms late); it never will be`;
    run.log.info({ lateByMs, deadlineMs: order.deadlineMs }, 'order expired');
    const event = expiredEvent(order.id, failureMessage('DEADLINE_EXCEEDED', reason), clock.now());
    return advance(order, order.status, { failureCode: 'DEADLINE_EXCEEDED', failureReason: reason }, event);
  }

  async function reload(orderId: string): Promise<Order> {
    const order = await store.get(orderId);
    if (!order) throw new EngineError('INTERNAL_ERROR', `order ${orderId} vanished`);
    return order;
  }

  return { advance, fail, expireIfLate, lateBy, reload };
}
