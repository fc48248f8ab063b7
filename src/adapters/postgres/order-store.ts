import type { JSONValue, Sql } from 'postgres';
import type { Order, OrderChanges } from '../../orders/order.js';
import type { EventDraft, OrderStore } from '../../orders/ports.js';
import type { OrderEvent, OrderUpdate } from '../../protocol/server-messages.js';

interface OrderRow {
  id: string;
  client_order_id: string | null;
  type: 'market';
  side: Order['side'];
  pair: string;
  amount: string;
  slippage_bps: number;
  status: Order['status'];
  dex: Order['dex'];
  limit_amount: string | null;
  tx_hash: string | null;
  last_valid_block_height: string | null;
  executed_price: string | null;
  amount_out: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  attempts: number;
  last_seq: number;
}

const COLUMNS: Record<keyof OrderChanges, string> = {
  dex: 'dex',
  limitAmount: 'limit_amount',
  txHash: 'tx_hash',
  lastValidBlockHeight: 'last_valid_block_height',
  executedPrice: 'executed_price',
  amountOut: 'amount_out',
  failureCode: 'failure_code',
  failureReason: 'failure_reason',
  attempts: 'attempts',
};

/** The OrderStore port on PostgreSQL: each status change and its event are one statement. */
export function createOrderStore(sql: Sql): OrderStore {
  return {
    async create(order, ack) {
      await sql`
        with inserted as (
          insert into orders (id, client_order_id, type, side, pair, amount, slippage_bps, status)
          values (${order.id}, ${order.clientOrderId}, ${order.type}, ${order.side}, ${order.pair},
                  ${order.amount}, ${order.slippageBps}, 'pending')
          returning id
        )
        insert into order_events (order_id, seq, status, payload)
        select id, 1, 'pending', ${sql.json(ack as unknown as JSONValue)} from inserted`;
    },

    async get(orderId) {
      const [row] = await sql<OrderRow[]>`select * from orders where id = ${orderId}`;
      return row ? toOrder(row) : null;
    },

    async transition(orderId, from, changes, draft) {
      const set = { ...toColumns(changes), status: draft.status };
      const [row] = await sql<(OrderRow & { event: OrderEvent })[]>`
        with moved as (
          update orders
          set ${sql(set)}, last_seq = last_seq + 1, updated_at = now()
          where id = ${orderId} and status = ${from}
          returning *
        ), event as (
          insert into order_events (order_id, seq, status, payload)
          select id, last_seq, status, ${sql.json(draft as unknown as JSONValue)}::jsonb || jsonb_build_object('seq', last_seq)
          from moved
          returning seq
        )
        select moved.* from moved, event`;
      if (!row) return null;
      return { order: toOrder(row), event: withSeq(draft, row.last_seq) };
    },

    async saveTx(orderId, status, previousTxHash, tx) {
      const [row] = await sql<OrderRow[]>`
        update orders
        set tx_hash = ${tx.txHash}, last_valid_block_height = ${tx.lastValidBlockHeight}, updated_at = now()
        where id = ${orderId} and status = ${status} and tx_hash is not distinct from ${previousTxHash}
        returning *`;
      return row ? toOrder(row) : null;
    },

    async recordAttempt(orderId, attempt) {
      await sql`update orders set attempts = greatest(attempts, ${attempt}) where id = ${orderId}`;
    },

    async eventsAfter(orderId, afterSeq) {
      const rows = await sql<{ payload: OrderUpdate }[]>`
        select payload from order_events where order_id = ${orderId} and seq > ${afterSeq} order by seq`;
      return rows.map((row) => row.payload);
    },

    async stalePending(ageMs, limit) {
      const rows = await sql<{ id: string }[]>`
        select id from orders
        where status = 'pending' and updated_at < now() - ${ageMs / 1000} * interval '1 second'
        order by updated_at
        limit ${limit}`;
      return rows.map((row) => row.id);
    },
  };
}

/** Puts seq right after orderId, where a reader of the wire expects it. */
function withSeq(draft: EventDraft, seq: number): OrderEvent {
  const { type, orderId, ...rest } = draft;
  return { type, orderId, seq, ...rest } as OrderEvent;
}

function toColumns(changes: OrderChanges): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined) out[COLUMNS[key as keyof OrderChanges]] = value as string | number | null;
  }
  return out;
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    clientOrderId: row.client_order_id,
    type: row.type,
    side: row.side,
    pair: row.pair,
    amount: row.amount,
    slippageBps: row.slippage_bps,
    status: row.status,
    dex: row.dex,
    limitAmount: row.limit_amount,
    txHash: row.tx_hash,
    lastValidBlockHeight: row.last_valid_block_height === null ? null : Number(row.last_valid_block_height),
    executedPrice: row.executed_price,
    amountOut: row.amount_out,
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    attempts: row.attempts,
    lastSeq: row.last_seq,
  };
}
