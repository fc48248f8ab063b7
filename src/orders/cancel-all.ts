import { cancelledEvent } from './order-events.js';
import type { Clock, EventPublisher, OrderStore } from './ports.js';

/**
 * Cancels every order of the account that can still be cancelled (of one pair, when given): each
 * through the same guarded cancel as a single one, so an order that moves on meanwhile (its
 * transaction signed) is left to run and is not in the reply. Returns the ids it cancelled.
 */
export function createCancelAll(deps: { store: OrderStore; events: EventPublisher; clock: Clock }) {
  const { store, events, clock } = deps;
  return async function cancelAll(accountId: string, pair?: string, reason = 'cancelled by the client (cancelAll)'): Promise<string[]> {
    const candidates = await store.cancellableOf(accountId, pair);
    const results = await Promise.all(candidates.map((orderId) => store.cancel(orderId, cancelledEvent(orderId, reason, clock.now()))));
    const cancelled = results.filter((result) => result !== null);
    await Promise.all(cancelled.map((result) => events.publish(result.event, result.order)));
    return cancelled.map((result) => result.order.id);
  };
}

export type CancelAll = ReturnType<typeof createCancelAll>;
