import type { Order } from './order.js';
import type { OrderStore } from './ports.js';

/** How a request names an order: the server's id or the client's own. */
export type OrderSelector = { readonly orderId?: string; readonly clientOrderId?: string };

/** Looks an order up by whichever id the request gave. */
export function findOrder(store: OrderStore, selector: OrderSelector): Promise<Order | null> {
  if (selector.orderId !== undefined) return store.get(selector.orderId);
  if (selector.clientOrderId !== undefined) return store.getByClientOrderId(selector.clientOrderId);
  return Promise.resolve(null);
}
