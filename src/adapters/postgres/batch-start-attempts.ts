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
      // The update's own conditions are checked again on a row another statement changed meanwhile;
      // the rows it leaves alone are read as they stood (the main query does not see the update).
      const rows = await sql<OrderRow[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(id uuid, attempt int)
        ), recorded as (
          update orders o set attempts = greatest(o.attempts, i.attempt), updated_at = now()
          from input i
          where o.id = i.id
            and o.status <> all(${TERMINAL_STATUSES}::text[])
            and not (o.status = 'pending' and o.type = 'market')
          returning o.*
        )
        select * from recorded
        union all
        select o.* from orders o join input i on i.id = o.id where o.id not in (select id from recorded)`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map((item) => {
        const row = byId.get(item.orderId);
        return row ? toOrder(row) : null;
      });
    },
  });
}
