import type { JSONValue, Sql } from 'postgres';
import type { Order, OrderChanges } from '../../orders/order.js';
import type { EventDraft, OrderCursor, OrderStore } from '../../orders/ports.js';
import type { OrderEvent, OrderUpdate } from '../../protocol/server-messages.js';

interface OrderRow {
  id: string;
  account_id: string;
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
  created_at: Date;
  updated_at: Date;
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
  const json = (value: unknown) => sql.json(value as JSONValue);

  async function get(orderId: string): Promise<Order | null> {
    const [row] = await sql<OrderRow[]>`select * from orders where id = ${orderId}`;
    return row ? toOrder(row) : null;
  }

  async function getByClientOrderId(accountId: string, clientOrderId: string): Promise<Order | null> {
    const [row] = await sql<OrderRow[]>`select * from orders where account_id = ${accountId} and client_order_id = ${clientOrderId}`;
    return row ? toOrder(row) : null;
  }

  /** Appends the draft as the event a `moved` CTE's new last_seq names, and returns the row. */
  async function moveWithEvent(moved: ReturnType<Sql>, draft: EventDraft) {
    const [row] = await sql<OrderRow[]>`
      with moved as (${moved}), event as (
        insert into order_events (order_id, seq, status, payload)
        select id, last_seq, status, ${json(draft)}::jsonb || jsonb_build_object('seq', last_seq)
        from moved
        returning seq
      )
      select moved.* from moved, event`;
    return row ? { order: toOrder(row), event: withSeq(draft, row.last_seq) } : null;
  }

  return {
    async create(order, ack, maxOpen) {
      // On a clientOrderId conflict the insert waits for the other transaction, then does nothing.
      // The open-order cap is checked in the same statement (counting at most maxOpen index entries).
      const inserted = await sql`
        with inserted as (
          insert into orders (id, account_id, client_order_id, type, side, pair, amount, slippage_bps, status)
          select ${order.id}, ${order.accountId}, ${order.clientOrderId}, ${order.type}, ${order.side}, ${order.pair},
                 ${order.amount}, ${order.slippageBps}, 'pending'
          where (
            select count(*) from (
              select 1 from orders
              where account_id = ${order.accountId} and status in ('pending', 'routing', 'building', 'submitted')
              limit ${maxOpen}
            ) open
          ) < ${maxOpen}
          on conflict (account_id, client_order_id) where client_order_id is not null do nothing
          returning id
        )
        insert into order_events (order_id, seq, status, payload)
        select id, 1, 'pending', ${json(ack)} from inserted
        returning order_id`;
      if (inserted.length > 0) return { status: 'created' };
      const existing = order.clientOrderId === null ? null : await getByClientOrderId(order.accountId, order.clientOrderId);
      return existing ? { status: 'duplicate', existing } : { status: 'too_many_open' };
    },

    get,
    getByClientOrderId,

    transition(orderId, from, changes, draft) {
      const set = { ...toColumns(changes), status: draft.status };
      return moveWithEvent(
        sql`update orders set ${sql(set)}, last_seq = last_seq + 1, updated_at = now()
            where id = ${orderId} and status = ${from}
            returning *`,
        draft,
      );
    },

    cancel(orderId, draft) {
      // Once a signature is saved the transaction may be on its way: from then on, no cancel.
      return moveWithEvent(
        sql`update orders set status = 'cancelled', last_seq = last_seq + 1, updated_at = now()
            where id = ${orderId}
              and (status in ('pending', 'routing') or (status = 'building' and tx_hash is null))
            returning *`,
        draft,
      );
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

    async list({ accountId, limit, before, status }) {
      const rows = await sql<(OrderRow & { created_at_text: string })[]>`
        select *, created_at::text as created_at_text from orders
        where account_id = ${accountId}
          ${status ? sql`and status = ${status}` : sql``}
          ${before ? sql`and (created_at, id) < (${before.createdAt}::timestamptz, ${before.id}::uuid)` : sql``}
        order by created_at desc, id desc
        limit ${limit + 1}`;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const next: OrderCursor | null = rows.length > limit && last ? { createdAt: last.created_at_text, id: last.id } : null;
      return { orders: page.map(toOrder), next };
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
    accountId: row.account_id,
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
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  };
}
