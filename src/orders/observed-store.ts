import type { OrderEvent } from '../protocol/server-messages.js';
import type { Order } from './order.js';
import type { OrderStore } from './ports.js';

/** Told of every move a store commits: the order after it, and the events it wrote (in seq order). */
export type OnMoved = (order: Order, events: readonly OrderEvent[]) => void;

/**
 * The store, telling `onMoved` of each status change and cancel it commits (and of nothing that
 * did not happen: a guarded move that found the order elsewhere is not one). Metrics watch the
 * engine through it, so no use case knows about them.
 */
export function observedStore(store: OrderStore, onMoved: OnMoved): OrderStore {
  return {
    ...store,
    async transition(orderId, from, changes, draft, guard) {
      const moved = await store.transition(orderId, from, changes, draft, guard);
      if (moved) onMoved(moved.order, moved.via ? [moved.via, moved.event] : [moved.event]);
      return moved;
    },
    async cancel(orderId, draft) {
      const cancelled = await store.cancel(orderId, draft);
      if (cancelled) onMoved(cancelled.order, [cancelled.event]);
      return cancelled;
    },
  };
}
