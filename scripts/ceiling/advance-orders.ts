import type { Sql } from 'postgres';
import type { EventText } from './order-events.js';

/**
 * Moves orders from `from` to `to` and inserts the events of the move (one or several statuses
 * that follow each other), for many orders in one statement and one commit. The update is guarded
 * by the expected status, and only the orders it moved get their events; returns their ids.
 */
export async function advanceOrders(sql: Sql, move: { from: string; to: string; lastSeq: number }, events: readonly EventText[]): Promise<Set<string>> {
  const input = events.map((event) => ({ id: event.orderId, seq: event.seq, status: event.status, payload: event.text }));
  const ids = [...new Set(events.map((event) => event.orderId))];
  // The orders by their ids as an array: one primary-key probe each, whatever the table's size.
  // (Joined to the distinct ids of the input instead, the planner came to merge-join a sorted
  // input against the whole primary key, reading thousands of rows per statement as the table grew.)
  const rows = await sql<{ id: string }[]>`
    with input as (
      select * from jsonb_to_recordset(${sql.json(input)}) as x(id uuid, seq int, status text, payload text)
    ), moved as (
      update ceiling_orders o set status = ${move.to}, last_seq = ${move.lastSeq}, updated_at = now()
      where o.id = any(${ids}::uuid[]) and o.status = ${move.from}
      returning o.id
    ), events as (
      insert into ceiling_order_events (order_id, seq, status, payload)
      select input.id, input.seq, input.status, input.payload::jsonb from input join moved using (id)
    )
    select id from moved`;
  return new Set(rows.map((row) => row.id));
}
