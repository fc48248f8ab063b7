import type { Sql } from 'postgres';
import type { Order } from '../../orders/order.js';
import type { EventDraft } from '../../orders/ports.js';
import { TERMINAL_STATUSES } from '../../orders/status.js';
import type { OrderEvent } from '../../protocol/server-messages.js';
import { createBatcher } from '../../util/batcher.js';
import { jsonOf, toOrder, withSeq, type OrderRow } from './order-rows.js';

type StartItem = { orderId: string; attempt: number; routing: EventDraft };

/**
 * Records started attempts and moves pending orders to routing with their event, many in one
 * statement; resolves null for an order that does not exist.
 */
export function batchStartAttempts(sql: Sql, linger: { lingerMs: number }) {
  const json = jsonOf(sql);
  return createBatcher<StartItem, { order: Order; event: OrderEvent | null } | null>({
    ...linger,
    keyOf: (item) => item.orderId,
    run: async (items) => {
      const input = items.map((item) => ({ id: item.orderId, attempt: item.attempt, payload: item.routing }));
      // A finished order keeps its count (a redundant delivery is not an attempt); a pending market
      // order moves to routing (a resting type is first weighed against the market: process-order.ts) and gets its event in the same statement.
      const rows = await sql<(OrderRow & { moves: boolean })[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(id uuid, attempt int, payload jsonb)
        ), old as (
          select o.id, o.status as was, (o.status = 'pending' and o.type = 'market') as moves from orders o join input i on i.id = o.id for update of o
        ), moved as (
          update orders o set
            attempts = case when old.was = any(${TERMINAL_STATUSES}::text[]) then o.attempts else greatest(o.attempts, i.attempt) end,
            status = case when old.moves then 'routing' else o.status end,
            last_seq = case when old.moves then o.last_seq + 1 else o.last_seq end,
            updated_at = now()
          from input i join old on old.id = i.id
          where o.id = i.id
          returning o.*, old.moves
        ), events as (
          insert into order_events (order_id, seq, status, payload)
          select moved.id, moved.last_seq, 'routing', input.payload || jsonb_build_object('seq', moved.last_seq)
          from moved join input on input.id = moved.id
          where moved.moves
        )
        select * from moved`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map((item) => {
        const row = byId.get(item.orderId);
        if (!row) return null;
        return { order: toOrder(row), event: row.moves ? withSeq(item.routing, row.last_seq) : null };
      });
    },
  });
}
