import type { Order } from './order.js';
import type { OrderStore } from './ports.js';

/** How a request names an order: the server's id or the client's own. */
export type OrderSelector = { readonly orderId?: string; readonly clientOrderId?: string };

/**
 * Looks an order up by whichever id the request gave, within the caller's account: another
 * account's order is not found, exactly like one that does not exist.
 */
export async function findOrder(store: OrderStore, selector: OrderSelector, accountId: string): Promise<Order | null> {
  if (selector.clientOrderId !== undefined) return store.getByClientOrderId(accountId, selector.clientOrderId);
  if (selector.orderId === undefined) return null;
  const order = await store.get(selector.orderId);
  return order && order.accountId === accountId ? order : null;
}
