import { ERRORS, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { SubmitMessage } from '../protocol/client-messages.js';
import { decimalPlaces } from '../protocol/decimal.js';
import type { AckMessage } from '../protocol/server-messages.js';
import type { PairSpec } from '../venues/types.js';
import type { NewOrder } from './order.js';
import type { Clock, Ids, OrderQueue, OrderStore } from './ports.js';

export interface SubmitRejection {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
  readonly retryable: boolean;
}

export type SubmitResult = { readonly ok: true; readonly ack: AckMessage } | { readonly ok: false; readonly error: SubmitRejection };

export interface SubmitDeps {
  readonly store: OrderStore;
  readonly queue: OrderQueue;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly findPair: (symbol: string) => PairSpec | undefined;
  readonly log: Logger;
}

/**
 * Accepts a well-formed submit: checks it against the traded pairs, persists the order with its ack,
 * lets the caller start listening (`watch`), then queues it. The ack is only returned once the order
 * is durable and queued, so an acked order is never lost.
 */
export function createSubmitOrder(deps: SubmitDeps) {
  const { store, queue, clock, ids, findPair, log } = deps;

  return async function submitOrder(message: SubmitMessage, watch: (orderId: string) => void): Promise<SubmitResult> {
    const pair = findPair(message.pair);
    if (!pair) return reject('UNKNOWN_PAIR', `pair ${message.pair} is not traded here`, 'pair');
    if (decimalPlaces(message.amount) > pair.base.decimals) {
      return reject('INVALID_ORDER', `amount: ${pair.base.symbol} has at most ${pair.base.decimals} decimals`, 'amount');
    }

    const order: NewOrder = {
      id: ids.orderId(),
      clientOrderId: message.clientOrderId ?? null,
      type: message.type,
      side: message.side,
      pair: pair.symbol,
      amount: message.amount,
      slippageBps: message.slippageBps,
    };
    const ack: AckMessage = {
      type: 'ack',
      ...(message.reqId !== undefined && { reqId: message.reqId }),
      orderId: order.id,
      ...(order.clientOrderId !== null && { clientOrderId: order.clientOrderId }),
      status: 'pending',
      seq: 1,
      ts: clock.now(),
    };

    try {
      await store.create(order, ack);
    } catch (err) {
      log.error({ err, orderId: order.id }, 'order could not be stored');
      return reject('SERVICE_UNAVAILABLE', ERRORS.SERVICE_UNAVAILABLE.message);
    }
    watch(order.id);
    try {
      await queue.enqueue(order.id);
    } catch (err) {
      log.error({ err, orderId: order.id }, 'order could not be queued; marking it failed');
      await store
        .transition(order.id, 'pending', { failureCode: 'QUEUE_UNAVAILABLE', failureReason: String(err) }, {
          type: 'order',
          orderId: order.id,
          status: 'failed',
          error: { code: 'QUEUE_UNAVAILABLE', message: ERRORS.QUEUE_UNAVAILABLE.message },
          attempts: 0,
          ts: clock.now(),
        })
        .catch((markErr: unknown) => log.error({ err: markErr, orderId: order.id }, 'could not mark unqueued order failed'));
      return reject('SERVICE_UNAVAILABLE', ERRORS.SERVICE_UNAVAILABLE.message);
    }
    return { ok: true, ack };
  };
}

function reject(code: ErrorCode, message: string, field?: string): SubmitResult {
  return { ok: false, error: { code, message, retryable: ERRORS[code].retryable, ...(field !== undefined && { field }) } };
}
