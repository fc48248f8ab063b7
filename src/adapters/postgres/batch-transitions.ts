import type { Sql } from 'postgres';
import type { Order, OrderChanges } from '../../orders/order.js';
import type { EventDraft } from '../../orders/ports.js';
import type { OrderStatus } from '../../orders/status.js';
import type { OrderEvent } from '../../protocol/server-messages.js';
import { createBatcher } from '../../util/batcher.js';
import { jsonOf, toColumns, toOrder, withSeq, type OrderRow } from './order-rows.js';

type MoveItem = { orderId: string; from: OrderStatus; changes: OrderChanges; draft: EventDraft; expectedSeq?: number; via?: EventDraft };

/**
 * Moves orders from their expected status to their draft's, with the changes and the event at the
 * next seq, many in one statement; resolves null for an order that was not in `from`. A `via` event
 * (a status passed through on the way) is appended just before the draft's, in the same statement.
 */
export function batchTransitions(sql: Sql, linger: { lingerMs: number }) {
  const json = jsonOf(sql);
  return createBatcher<MoveItem, { order: Order; event: OrderEvent; via?: OrderEvent } | null>({
    ...linger,
    keyOf: (item) => item.orderId,
    run: async (items) => {
      const input = items.map(({ orderId, from, changes, draft, expectedSeq, via }) => ({
        id: orderId,
        from_status: from,
        expected_seq: expectedSeq ?? null,
        to_status: draft.status,
        ...toColumns(changes),
        payload: draft,
        // Left out rather than null: a JSON null would be a jsonb 'null', not SQL NULL.
        ...(via && { via }),
      }));
      // Changes only ever set values (never back to NULL), so coalesce keeps what a change leaves out;
      // only a move back to `open` clears the route and transaction of the trigger that did not fill.
      // `resting_pair` follows the status (market orders keep it NULL: their updates stay HOT).
      // By `id = any(ids)`: a primary-key probe per order in any plan (see batch-start-attempts.ts).
      const ids = items.map((item) => item.orderId);
      const rows = await sql<OrderRow[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(
            id uuid, from_status text, expected_seq int, to_status text, dex text, legs jsonb, limit_amount numeric, tx_hash text,
            last_valid_block_height bigint, executed_price numeric, amount_out numeric,
            failure_code text, failure_reason text, attempts int, amount numeric, limit_price numeric,
            trigger_price numeric, expire_at timestamptz, triggered_at timestamptz, payload jsonb, via jsonb)
        ), moved as (
          update orders o set
            status = i.to_status,
            dex = case when i.to_status = 'open' then null else coalesce(i.dex, o.dex) end,
            legs = case when i.to_status = 'open' then null else coalesce(i.legs, o.legs) end,
            limit_amount = case when i.to_status = 'open' then null else coalesce(i.limit_amount, o.limit_amount) end,
            tx_hash = case when i.to_status = 'open' then null else coalesce(i.tx_hash, o.tx_hash) end,
            last_valid_block_height = case when i.to_status = 'open' then null else coalesce(i.last_valid_block_height, o.last_valid_block_height) end,
            amount = coalesce(i.amount, o.amount),
            limit_price = coalesce(i.limit_price, o.limit_price),
            trigger_price = coalesce(i.trigger_price, o.trigger_price),
            expire_at = coalesce(i.expire_at, o.expire_at),
            triggered_at = coalesce(i.triggered_at, o.triggered_at),
            resting_pair = case when i.to_status = 'open' then o.pair end,
            executed_price = coalesce(i.executed_price, o.executed_price),
            amount_out = coalesce(i.amount_out, o.amount_out),
            failure_code = coalesce(i.failure_code, o.failure_code),
            failure_reason = coalesce(i.failure_reason, o.failure_reason),
            attempts = coalesce(i.attempts, o.attempts),
            last_seq = o.last_seq + case when i.via is null then 1 else 2 end,
            updated_at = now()
          from input i
          where o.id = any(${ids}::uuid[]) and o.id = i.id and o.status = i.from_status and (i.expected_seq is null or o.last_seq = i.expected_seq)
          returning o.*
        ), events as (
          insert into order_events (order_id, seq, status, payload)
          select moved.id, moved.last_seq - 1, input.via->>'status', input.via || jsonb_build_object('seq', moved.last_seq - 1)
          from moved join input on input.id = moved.id
          where input.via is not null
          union all
          select moved.id, moved.last_seq, moved.status, input.payload || jsonb_build_object('seq', moved.last_seq)
          from moved join input on input.id = moved.id
        )
        select * from moved`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map(({ orderId, draft, via }) => {
        const row = byId.get(orderId);
        if (!row) return null;
        const event = withSeq(draft, row.last_seq);
        return via ? { order: toOrder(row), event, via: withSeq(via, row.last_seq - 1) } : { order: toOrder(row), event };
      });
    },
  });
}
