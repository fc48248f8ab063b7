import { ERRORS, type ErrorCode } from '../errors.js';
import { withTimeout } from '../util/with-timeout.js';
import type { SubmitMessage } from '../protocol/client-messages.js';
import type { AckMessage, DuplicateAckMessage } from '../protocol/server-messages.js';
import type { PairSpec, Token } from '../venues/types.js';
import { termsOfSubmit } from './submit-terms.js';
import type { NewOrder, Order } from './order.js';
import { failedEvent } from './order-events.js';
import { sameDecimal } from './snapshot.js';
import type { Clock, Ids, OpenOrderSlots, OrderQueue, OrderStore } from './ports.js';
import type { Logger } from '../util/logger.js';

export interface SubmitRejection {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
  readonly retryable: boolean;
  /** OVERLOADED: when the engine may have room again. */
  readonly retryAfterMs?: number;
}

export type SubmitResult =
  | { readonly ok: true; readonly ack: AckMessage }
  | { readonly ok: true; readonly duplicate: DuplicateAckMessage }
  | { readonly ok: false; readonly error: SubmitRejection };

/** Who hears about a submitted order: told before it is queued, and told to stop if it is refused. */
export interface Subscriber {
  watch(orderId: string): void;
  unwatch(orderId: string): void;
}

/** Longest wait for the queue before the order is refused with SERVICE_UNAVAILABLE. */
const ENQUEUE_TIMEOUT_MS = 3_000;

export interface SubmitDeps {
  readonly store: OrderStore;
  readonly queue: OrderQueue;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly findPair: (symbol: string) => PairSpec | undefined;
  /** A token pairs are quoted in (a sniper may name a pair before it launches). */
  readonly quoteToken: (symbol: string) => Token | undefined;
  readonly log: Logger;
  /** Caps the orders an account has in flight; a refused slot means LIMIT_EXCEEDED. */
  readonly openOrders: OpenOrderSlots;
  /** Most resting orders an account may have; a limit, stop or sniper beyond it is LIMIT_EXCEEDED. */
  readonly maxResting?: number;
  /** Admission control: the retryAfterMs to refuse an order of this deadline with (OVERLOADED), or null to take it. */
  readonly overloaded?: (deadlineMs: number) => number | null;
}

/**
 * Accepts a well-formed submit: checks it against the traded pairs, persists the order with its ack,
 * lets the caller start listening (`watch`), then queues it. The ack is only returned once the order
 * is durable and queued, so an acked order is never lost. A clientOrderId that already names an
 * order returns that order (`duplicate`) when the fields match, and DUPLICATE_CLIENT_ORDER_ID when
 * they do not; it never creates or executes a second order.
 */
export function createSubmitOrder(deps: SubmitDeps) {
  const { store, queue, clock, ids, findPair, quoteToken, log } = deps;

  return async function submitOrder(message: SubmitMessage, accountId: string, subscriber: Subscriber): Promise<SubmitResult> {
    const checked = termsOfSubmit(message, { findPair, quoteToken, nowMs: clock.now() });
    if (!checked.ok) return reject(checked.code, checked.message, checked.field);
    // Refused before anything is stored: an order the engine could not start within its deadline.
    const retryAfterMs = deps.overloaded?.(message.deadlineMs) ?? null;
    if (retryAfterMs !== null) {
      return { ok: false, error: { code: 'OVERLOADED', message: `${ERRORS.OVERLOADED.message} (${retryAfterMs} ms)`, retryable: true, retryAfterMs } };
    }
    const order: NewOrder = { id: ids.orderId(), accountId, clientOrderId: message.clientOrderId ?? null, ...checked.terms };
    const ack: AckMessage = {
      type: 'ack',
      ...(message.reqId !== undefined && { reqId: message.reqId }),
      orderId: order.id,
      ...(order.clientOrderId !== null && { clientOrderId: order.clientOrderId }),
      status: 'pending',
      seq: 1,
      ts: clock.now(),
    };

    if (order.type !== 'market' && deps.maxResting !== undefined) {
      const resting = await store.restingCountOf(accountId).catch(() => null);
      if (resting === null) return reject('SERVICE_UNAVAILABLE', ERRORS.SERVICE_UNAVAILABLE.message);
      if (resting >= deps.maxResting) return reject('LIMIT_EXCEEDED', `the account has ${resting} resting orders, as many as it may; cancel some first`);
    }
    const slot = deps.openOrders.acquire(accountId);
    if (!slot) return reject('LIMIT_EXCEEDED', 'the account has as many orders in flight as it may; wait for some to finish');
    let created;
    try {
      created = await store.create(order, ack);
    } catch (err) {
      slot.release();
      log.error({ err, orderId: order.id }, 'order could not be stored');
      return reject('SERVICE_UNAVAILABLE', ERRORS.SERVICE_UNAVAILABLE.message);
    }
    if (created.status === 'duplicate') {
      slot.release();
      return duplicate(created.existing, order, message.reqId, subscriber);
    }
    // Tied to the order before it is queued, so its terminal event always finds the slot.
    slot.bind(order.id);
    const accepted = await accept(order, ack, subscriber);
    if (!accepted.ok) slot.release();
    return accepted;
  };

  /** Queues a stored order; only a queued order is acked. */
  async function accept(order: NewOrder, ack: AckMessage, subscriber: Subscriber): Promise<SubmitResult> {
    subscriber.watch(order.id);
    try {
      await withTimeout(queue.enqueue(order.id), ENQUEUE_TIMEOUT_MS);
      return { ok: true, ack };
    } catch (err) {
      log.error({ err, orderId: order.id }, 'order could not be queued');
    }
    // The add may still land later, so the order is failed first (guarded): a late job then finds it
    // finished. If it has already moved on, the add did land and a worker has it: it is queued after all.
    // (A worker that has only read it loses to this write, finds it failed, and sends nothing.)
    const changes = { failureCode: 'QUEUE_UNAVAILABLE', failureReason: 'the queue did not take the order in time; it was never acked' };
    const failed = await store
      .transition(order.id, 'pending', changes, failedEvent(order.id, { code: 'QUEUE_UNAVAILABLE', attempts: 0 }, clock.now()))
      .catch((err: unknown) => {
        log.error({ err, orderId: order.id }, 'could not mark an unqueued order failed; the sweep will');
        return undefined;
      });
    if (failed === null) return { ok: true, ack };
    subscriber.unwatch(order.id);
    // Nothing was acked, so the client may send the same clientOrderId again and get a new order.
    if (failed) await store.releaseClientOrderId(order.id).catch(() => undefined);
    return reject('SERVICE_UNAVAILABLE', ERRORS.SERVICE_UNAVAILABLE.message);
  }

  async function duplicate(existing: Order, wanted: NewOrder, reqId: string | undefined, subscriber: Subscriber): Promise<SubmitResult> {
    // A resting order's amendable terms (amount, prices, expireAt) may have changed since its submit:
    // a retry of that submit still names it, so only the terms an amend cannot touch are compared.
    const amendable = existing.type !== 'market';
    const same =
      existing.type === wanted.type &&
      existing.side === wanted.side &&
      existing.pair === wanted.pair &&
      existing.slippageBps === wanted.slippageBps &&
      existing.trigger === wanted.trigger &&
      existing.timeInForce === wanted.timeInForce &&
      (existing.deadlineMs ?? wanted.deadlineMs) === wanted.deadlineMs &&
      (amendable || sameDecimal(existing.amount, wanted.amount));
    if (!same) {
      return reject('DUPLICATE_CLIENT_ORDER_ID', `clientOrderId ${wanted.clientOrderId} already names order ${existing.id} with different fields`, 'clientOrderId');
    }
    // The first submit may have died between storing and queueing. Queued twice is harmless: a second
    // delivery finds each step already taken (guarded in the store) and executes nothing again.
    if (existing.status === 'pending') {
      await queue.enqueue(existing.id).catch((err: unknown) => log.warn({ err, orderId: existing.id }, 'could not re-queue a duplicate submit'));
    }
    return {
      ok: true,
      duplicate: {
        type: 'ack',
        ...(reqId !== undefined && { reqId }),
        orderId: existing.id,
        clientOrderId: wanted.clientOrderId!,
        status: existing.status,
        duplicate: true,
        lastSeq: existing.lastSeq,
        ts: clock.now(),
      },
    };
  }
}

function reject(code: ErrorCode, message: string, field?: string): SubmitResult {
  return { ok: false, error: { code, message, retryable: ERRORS[code].retryable, ...(field !== undefined && { field }) } };
}
