import { EngineError, type ErrorCode } from '../errors.js';
import type { TxOutcome } from '../chain/types.js';
import type { PairSpec } from '../venues/types.js';
import type { Order, OrderChanges } from './order.js';
import type { RestingQuote } from '../protocol/server-messages.js';
import type { RouteDecision } from '../venues/types.js';
import { expiredEvent, failedEvent, failureMessage, openEvent } from './order-events.js';
import { mayRestAgain, pastExpiry } from './resting-terms.js';
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
  /** The route a resting order was just weighed with (it crossed): routing takes it instead of asking again. */
  decision?: RouteDecision;
  /**
   * The `routing` event of a pending market order this delivery took up: it is written with the
   * order's first move (to building, or to its end), rather than on its own.
   */
  readonly routing?: EventDraft;
  readonly pair: PairSpec;
  readonly attempt: Attempt;
  /** BASE to trade (a sniper's: decided at routing, then kept in its legs). */
  amount: number;
  readonly log: Logger;
}

/** The guarded writes every step of an order's execution goes through. */
export interface OrderMoves {
  /**
   * Applies a guarded status change, then publishes its (already persisted) event. A pending order
   * taken up by `run` passes through `routing` on the way (its event first), recording the attempt.
   */
  advance(order: Order, from: OrderStatus, changes: OrderChanges, draft: EventDraft, run?: Run): Promise<Order>;
  /** Fails the order from wherever it stands, recording the code, the reason and the attempt. */
  fail(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order>;
  /**
   * Acts on an order past its deadline (it must not have been sent): a limit or sniper that may
   * rest again goes back to `open`, any other expires. Null while it is still in time.
   */
  expireIfLate(order: Order, run: Run): Promise<Order> | null;
  /** How late the order is past its deadline (counted from its trigger, for a resting type), ms; ≤ 0: in time, or no deadline. */
  lateBy(order: Order): number;
  /** Ends the order `expired` with this code and reason, from wherever it stands. */
  expire(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order>;
  /**
   * A triggered limit or sniper that could not fill within its price (or its deadline): it rests
   * again (`open`, reason "reopened", with the quote that missed), unless it was IOC (then `code`)
   * or its expireAt has come (then EXPIRED).
   */
  restAgain(order: Order, run: Run, code: ErrorCode, reason: string, quote: RestingQuote | null): Promise<Order>;
  /** The order as the store has it now. */
  reload(orderId: string): Promise<Order>;
}

/** Builds the guarded moves on the store, publishing each event once it is durable. */
export function createOrderMoves(deps: { readonly store: OrderStore; readonly events: EventPublisher; readonly clock: Clock }): OrderMoves {
  const { store, events, clock } = deps;

  async function advance(order: Order, from: OrderStatus, changes: OrderChanges, draft: EventDraft, run?: Run): Promise<Order> {
    const via = from === 'pending' ? run?.routing : undefined;
    const result = via
      ? await store.transition(order.id, from, { attempts: run!.attempt.number, ...changes }, draft, { via })
      : await store.transition(order.id, from, changes, draft);
    if (!result) return reload(order.id); // another delivery of this job moved it first; carry on from there
    // Issued together, the two go out in order (in one stream entry, as a rule).
    if (result.via) await Promise.all([events.publish(result.via, result.order), events.publish(result.event, result.order)]);
    else await events.publish(result.event, result.order);
    return result.order;
  }

  function fail(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order> {
    run.log.info({ code, reason }, 'order failed');
    const attempts = run.attempt.number;
    const event = failedEvent(order.id, { code, message: failureMessage(code, reason), attempts, dex: order.dex, txHash: order.txHash }, clock.now());
    return advance(order, order.status, { failureCode: code, failureReason: reason, attempts }, event, run);
  }

  function lateBy(order: Order): number {
    return order.deadlineMs === null ? 0 : clock.now() - ((order.triggeredAt ?? order.createdAt) + order.deadlineMs);
  }

  function expire(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order> {
    run.log.info({ code, reason }, 'order expired');
    const event = expiredEvent(order.id, failureMessage(code, reason), clock.now(), code);
    return advance(order, order.status, { failureCode: code, failureReason: reason }, event, run);
  }

  function restAgain(order: Order, run: Run, code: ErrorCode, reason: string, quote: RestingQuote | null): Promise<Order> {
    if (pastExpiry(order, clock.now())) return expire(order, run, 'EXPIRED', `its expireAt came while ${reason}`);
    if (!mayRestAgain(order)) return expire(order, run, code, reason);
    run.log.info({ reason }, 'order rests again');
    return advance(order, order.status, {}, openEvent(order, 'reopened', quote, clock.now(), reason), run);
  }

  function expireIfLate(order: Order, run: Run): Promise<Order> | null {
    const lateByMs = lateBy(order);
    if (lateByMs <= 0) return null;
    const reason = `not sent within its ${order.deadlineMs} ms deadline (${lateByMs} ms late)`;
    if (mayRestAgain(order)) return restAgain(order, run, 'DEADLINE_EXCEEDED', reason, null);
    return expire(order, run, 'DEADLINE_EXCEEDED', `${reason}; it never will be`);
  }

  async function reload(orderId: string): Promise<Order> {
    const order = await store.get(orderId);
    if (!order) throw new EngineError('INTERNAL_ERROR', `order ${orderId} vanished`);
    return order;
  }

  return { advance, fail, expireIfLate, lateBy, expire, restAgain, reload };
}
