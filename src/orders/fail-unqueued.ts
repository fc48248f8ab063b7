import { ERRORS } from '../errors.js';
import { failedEvent } from './order-events.js';
import type { Clock, EventPublisher, OrderQueue, OrderStore } from './ports.js';
import type { Logger } from '../util/logger.js';

/** How long a `pending` order may go without a job before it is judged never queued. */
export const UNQUEUED_AFTER_MS = 60_000;

/**
 * Closes orders a gateway stored but never queued (it stopped between the insert and the queue
 * add). Such an order was never acked (the ack follows the queue add), so the client saw no ack
 * and may have sent it again: it is failed with QUEUE_UNAVAILABLE, never executed late.
 * Returns the ids it failed.
 */
export async function failUnqueuedOrders(deps: {
  store: OrderStore;
  queue: OrderQueue;
  events: EventPublisher;
  clock: Clock;
  log: Logger;
  ageMs?: number;
}): Promise<string[]> {
  const { store, queue, events, clock, log } = deps;
  const failed: string[] = [];
  const stale = await store.stalePending(deps.ageMs ?? UNQUEUED_AFTER_MS, 100);
  const queued = stale.length === 0 ? new Set<string>() : await queue.queuedAmong(stale);
  for (const orderId of stale) {
    if (queued.has(orderId)) continue;
    const result = await store.transition(
      orderId,
      'pending',
      { failureCode: 'QUEUE_UNAVAILABLE', failureReason: 'stored but never queued (the gateway stopped in between); never acked' },
      failedEvent(orderId, { code: 'QUEUE_UNAVAILABLE', message: `${ERRORS.QUEUE_UNAVAILABLE.message}; the order was never acked`, attempts: 0 }, clock.now()),
    );
    if (!result) continue;
    await store.releaseClientOrderId(orderId);
    await events.publish(result.event, result.order);
    log.warn({ orderId }, 'failed an order that was stored but never queued');
    failed.push(orderId);
  }
  return failed;
}
