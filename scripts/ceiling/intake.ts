import type { Sql } from 'postgres';
import { createBatcher } from '../../src/util/batcher.js';
import { insertOrders, type NewOrder } from './insert-orders.js';
import type { OrderQueue } from './order-queue.js';

/** Most orders one batch (one statement, one job) carries: the engine's MAX_ORDERS_PER_JOB. */
const MAX_ORDERS_PER_BATCH = 100;

/**
 * The gateway's half of the guarantee: the submits of one turn of the event loop are inserted with
 * their ack events in one statement, then queued as one job; each resolves true once both are done
 * (the ack may go out), false for a clientOrderId already taken.
 */
export function createIntake(sql: Sql, queue: OrderQueue) {
  return createBatcher<NewOrder, boolean>({
    maxSize: MAX_ORDERS_PER_BATCH,
    run: async (orders) => {
      const inserted = await insertOrders(sql, orders);
      if (inserted.size > 0) await queue.addBatch([...inserted]);
      return orders.map((order) => inserted.has(order.id));
    },
  });
}
