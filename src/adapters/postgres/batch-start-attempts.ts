import type { Sql } from 'postgres';
import type { Order } from '../../orders/order.js';
import { TERMINAL_STATUSES } from '../../orders/status.js';
import { createBatcher } from '../../util/batcher.js';
import { jsonOf, toOrder, type OrderRow } from './order-rows.js';

type StartItem = { orderId: string; attempt: number };

/**
 * Takes up orders for an attempt, many in one statement: records the attempt on each order that is
 * neither finished (a redundant delivery is not an attempt) nor a pending market order (only read:
 * its first move records it, one write fewer per order); resolves null for an order that does not exist.
 */
export function batchStartAttempts(sql: Sql, linger: { lingerMs: number }) {
  const json = jsonOf(sql);
  return createBatcher<StartItem, Order | null>({
    ...linger,
    keyOf: (item) => item.orderId,
    run: async (items) => {
      const input = items.map((item) => ({ id: item.orderId, attempt: item.attempt }));
      const ids = items.map((item) => item.orderId);
      // The update's own conditions are checked again on a row another statement changed meanwhile;
      // the rows it leaves alone are read as they stood (the main query does not see the update).
      // Orders are found by `id = any(ids)`: one primary-key probe each, in whatever plan. Joined only
      // to the input, the generic plan PostgreSQL keeps per connection, made while the table was
      // small, hash-joined the input to a full scan of the primary key: 200 buffers per order read
      // at 20,000 orders, and growing with the table.
      const rows = await sql<OrderRow[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(id uuid, attempt int)
        ), recorded as (
          update orders o set attempts = greatest(o.attempts, i.attempt), updated_at = now()
          from input i
          where o.id = any(${ids}::uuid[]) and o.id = i.id
            and o.status <> all(${TERMINAL_STATUSES}::text[])
            and not (o.status = 'pending' and o.type = 'market')
          returning o.*
        )
        select * from recorded
        union all
        select o.* from orders o where o.id = any(${ids}::uuid[]) and o.id not in (select id from recorded)`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map((item) => {
        const row = byId.get(item.orderId);
        return row ? toOrder(row) : null;
      });
    },
  });
}
