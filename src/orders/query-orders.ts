import type { OrderSnapshot, OrderUpdate } from '../protocol/server-messages.js';
import { findOrder, type OrderSelector } from './find-order.js';
import type { OrderCursor, OrderStore } from './ports.js';
import { toSnapshot } from './snapshot.js';
import type { OrderStatus } from './status.js';

/** Opaque to clients: base64url of the keyset position. */
export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

/** The position a cursor names, or null when it is not one this server gave out. */
export function decodeCursor(text: string): OrderCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value as unknown[];
    if (typeof createdAt !== 'string' || !/^\d{4}-\d{2}-\d{2} [\d:.]+[+-]\d{2}(:\d{2})?$/.test(createdAt)) return null;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { createdAt, id };
  } catch {
    return null; // not base64url JSON: the caller answers INVALID_CURSOR
  }
}

/** Reads orders for get and list; results are wire snapshots. */
export function createOrderQueries(store: OrderStore) {
  return {
    /** The order and every event it has had, or null. */
    async get(selector: OrderSelector, accountId: string): Promise<{ order: OrderSnapshot; events: OrderUpdate[] } | null> {
      const order = await findOrder(store, selector, accountId);
      if (!order) return null;
      return { order: toSnapshot(order), events: await store.eventsAfter(order.id, 0) };
    },

    /** One page, newest first; `next` continues after its last order. */
    async list(query: { accountId: string; limit: number; before?: OrderCursor; status?: OrderStatus }): Promise<{ orders: OrderSnapshot[]; next: string | null }> {
      const page = await store.list(query);
      return { orders: page.orders.map(toSnapshot), next: page.next ? encodeCursor(page.next) : null };
    },
  };
}
