import type { Sql } from 'postgres';
import type { NewOrder } from '../../orders/order.js';
import type { AckMessage } from '../../protocol/server-messages.js';
import { createBatcher } from '../../util/batcher.js';
import { jsonOf } from './order-rows.js';

type CreateItem = { order: NewOrder; ack: AckMessage };

/**
 * Inserts orders with their acks as event seq 1, many in one statement; resolves true for an order
 * inserted, false for one whose account's clientOrderId already names an order. The orders start
 * with `follower` (the gateway taking them) as their one follower.
 */
export function batchCreates(sql: Sql, follower: string | null) {
  const json = jsonOf(sql);
  return createBatcher<CreateItem, boolean>({
    // Two submits of one clientOrderId never share a batch: the second then sees the first's row.
    keyOf: ({ order }) => (order.clientOrderId === null ? order.id : `${order.accountId}:${order.clientOrderId}`),
    run: async (items) => {
      const input = items.map(({ order, ack }) => ({
        id: order.id,
        account_id: order.accountId,
        client_order_id: order.clientOrderId,
        type: order.type,
        side: order.side,
        pair: order.pair,
        amount: order.amount,
        slippage_bps: order.slippageBps,
        deadline_ms: order.deadlineMs,
        limit_price: order.limitPrice,
        trigger_price: order.triggerPrice,
        trigger_direction: order.trigger,
        time_in_force: order.timeInForce,
        expire_at: order.expireAt === null ? null : new Date(order.expireAt).toISOString(),
        ack,
      }));
      // On a clientOrderId conflict the insert waits for the other transaction, then does nothing.
      const rows = await sql<{ id: string }[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(
            id uuid, account_id uuid, client_order_id text, type text, side text, pair text,
            amount numeric, slippage_bps int, deadline_ms int, limit_price numeric, trigger_price numeric,
            trigger_direction text, time_in_force text, expire_at timestamptz, ack jsonb)
        ), inserted as (
          insert into orders (id, account_id, client_order_id, type, side, pair, amount, slippage_bps, deadline_ms,
                              limit_price, trigger_price, trigger_direction, time_in_force, expire_at, status, followers)
          select i.id, i.account_id, i.client_order_id, i.type, i.side, i.pair, i.amount, i.slippage_bps, i.deadline_ms,
                 i.limit_price, i.trigger_price, i.trigger_direction, i.time_in_force, i.expire_at, 'pending',
                 array_remove(array[${follower}::text], null)
          from input i
          on conflict (account_id, client_order_id) where client_order_id is not null do nothing
          returning id
        ), events as (
          insert into order_events (order_id, seq, status, payload)
          select inserted.id, 1, 'pending', input.ack from inserted join input using (id)
        )
        select id from inserted`;
      const created = new Set(rows.map((row) => row.id));
      return items.map(({ order }) => created.has(order.id));
    },
  });
}
