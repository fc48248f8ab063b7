import type { Sql } from 'postgres';

export interface NewOrder {
  readonly id: string;
  readonly clientOrderId: string | null;
  readonly side: string;
  readonly pair: string;
  readonly amount: string;
  readonly slippageBps: number;
  /** The ack as it goes on the wire: stored as the order's event seq 1. */
  readonly ackText: string;
}

/**
 * Inserts orders and their ack events (seq 1) in one statement and one commit; returns the ids
 * inserted (an order whose clientOrderId is already taken is not).
 */
export async function insertOrders(sql: Sql, orders: readonly NewOrder[]): Promise<Set<string>> {
  const input = orders.map((order) => ({
    id: order.id,
    client_order_id: order.clientOrderId,
    side: order.side,
    pair: order.pair,
    amount: order.amount,
    slippage_bps: order.slippageBps,
    ack: order.ackText,
  }));
  const rows = await sql<{ id: string }[]>`
    with input as (
      select * from jsonb_to_recordset(${sql.json(input)}) as x(
        id uuid, client_order_id text, side text, pair text, amount numeric, slippage_bps int, ack text)
    ), inserted as (
      insert into ceiling_orders (id, client_order_id, side, pair, amount, slippage_bps, status)
      select id, client_order_id, side, pair, amount, slippage_bps, 'pending' from input
      on conflict (client_order_id) where client_order_id is not null do nothing
      returning id
    ), events as (
      insert into ceiling_order_events (order_id, seq, status, payload)
      select inserted.id, 1, 'pending', input.ack::jsonb from inserted join input using (id)
    )
    select id from inserted`;
  return new Set(rows.map((row) => row.id));
}
