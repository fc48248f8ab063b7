import type { JSONValue, Sql } from 'postgres';
import type { Order, OrderChanges } from '../../orders/order.js';
import type { NewOrder } from '../../orders/order.js';
import type { EventDraft, OrderCursor, OrderStore } from '../../orders/ports.js';
import type { OrderStatus } from '../../orders/status.js';
import type { AckMessage, OrderEvent, OrderUpdate } from '../../protocol/server-messages.js';
import { createBatcher } from '../../util/batcher.js';

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

/**
 * The OrderStore port on PostgreSQL. Each status change and its event are one statement; the hot
 * writes (create, transition, saveTx, startAttempt) are coalesced into multi-row statements when
 * many are issued at once, so a busy engine pays one round trip and one commit per batch.
 */
export function createOrderStore(sql: Sql, options: { lingerMs?: number } = {}): OrderStore {
  // Creates never linger (an ack waits on them); the worker's steps may, to write bigger batches.
  const linger = { lingerMs: options.lingerMs ?? 0 };
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

  type CreateItem = { order: NewOrder; ack: AckMessage };
  const createBatch = createBatcher<CreateItem, boolean>({
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
        ack,
      }));
      // On a clientOrderId conflict the insert waits for the other transaction, then does nothing.
      const rows = await sql<{ id: string }[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(
            id uuid, account_id uuid, client_order_id text, type text, side text, pair text,
            amount numeric, slippage_bps int, ack jsonb)
        ), inserted as (
          insert into orders (id, account_id, client_order_id, type, side, pair, amount, slippage_bps, status)
          select i.id, i.account_id, i.client_order_id, i.type, i.side, i.pair, i.amount, i.slippage_bps, 'pending'
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

  type MoveItem = { orderId: string; from: OrderStatus; changes: OrderChanges; draft: EventDraft };
  const transitionBatch = createBatcher<MoveItem, { order: Order; event: OrderEvent } | null>({
    ...linger,
    keyOf: (item) => item.orderId,
    run: async (items) => {
      const input = items.map(({ orderId, from, changes, draft }) => ({
        id: orderId,
        from_status: from,
        to_status: draft.status,
        ...toColumns(changes),
        payload: draft,
      }));
      // Changes only ever set values (never back to NULL), so coalesce keeps what a change leaves out.
      const rows = await sql<OrderRow[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(
            id uuid, from_status text, to_status text, dex text, limit_amount numeric, tx_hash text,
            last_valid_block_height bigint, executed_price numeric, amount_out numeric,
            failure_code text, failure_reason text, attempts int, payload jsonb)
        ), moved as (
          update orders o set
            status = i.to_status,
            dex = coalesce(i.dex, o.dex),
            limit_amount = coalesce(i.limit_amount, o.limit_amount),
            tx_hash = coalesce(i.tx_hash, o.tx_hash),
            last_valid_block_height = coalesce(i.last_valid_block_height, o.last_valid_block_height),
            executed_price = coalesce(i.executed_price, o.executed_price),
            amount_out = coalesce(i.amount_out, o.amount_out),
            failure_code = coalesce(i.failure_code, o.failure_code),
            failure_reason = coalesce(i.failure_reason, o.failure_reason),
            attempts = coalesce(i.attempts, o.attempts),
            last_seq = o.last_seq + 1,
            updated_at = now()
          from input i
          where o.id = i.id and o.status = i.from_status
          returning o.*
        ), events as (
          insert into order_events (order_id, seq, status, payload)
          select moved.id, moved.last_seq, moved.status, input.payload || jsonb_build_object('seq', moved.last_seq)
          from moved join input on input.id = moved.id
        )
        select * from moved`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map(({ orderId, draft }) => {
        const row = byId.get(orderId);
        return row ? { order: toOrder(row), event: withSeq(draft, row.last_seq) } : null;
      });
    },
  });

  type TxItem = { orderId: string; status: OrderStatus; previousTxHash: string | null; txHash: string; lastValidBlockHeight: number };
  const saveTxBatch = createBatcher<TxItem, Order | null>({
    ...linger,
    keyOf: (item) => item.orderId,
    run: async (items) => {
      const input = items.map((item) => ({
        id: item.orderId,
        status: item.status,
        previous: item.previousTxHash,
        tx_hash: item.txHash,
        last_valid_block_height: item.lastValidBlockHeight,
      }));
      const rows = await sql<OrderRow[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(id uuid, status text, previous text, tx_hash text, last_valid_block_height bigint)
        )
        update orders o
        set tx_hash = i.tx_hash, last_valid_block_height = i.last_valid_block_height, updated_at = now()
        from input i
        where o.id = i.id and o.status = i.status and o.tx_hash is not distinct from i.previous
        returning o.*`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map((item) => {
        const row = byId.get(item.orderId);
        return row ? toOrder(row) : null;
      });
    },
  });

  type StartItem = { orderId: string; attempt: number; routing: EventDraft };
  const startBatch = createBatcher<StartItem, { order: Order; event: OrderEvent | null } | null>({
    ...linger,
    keyOf: (item) => item.orderId,
    run: async (items) => {
      const input = items.map((item) => ({ id: item.orderId, attempt: item.attempt, payload: item.routing }));
      // A finished order keeps its count (a redundant delivery is not an attempt); a pending one
      // moves to routing and gets its event in the same statement.
      const rows = await sql<(OrderRow & { was: string })[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(id uuid, attempt int, payload jsonb)
        ), old as (
          select o.id, o.status as was from orders o join input i on i.id = o.id for update of o
        ), moved as (
          update orders o set
            attempts = case when old.was in ('confirmed', 'failed', 'cancelled') then o.attempts else greatest(o.attempts, i.attempt) end,
            status = case when old.was = 'pending' then 'routing' else o.status end,
            last_seq = case when old.was = 'pending' then o.last_seq + 1 else o.last_seq end,
            updated_at = now()
          from input i join old on old.id = i.id
          where o.id = i.id
          returning o.*, old.was
        ), events as (
          insert into order_events (order_id, seq, status, payload)
          select moved.id, moved.last_seq, 'routing', input.payload || jsonb_build_object('seq', moved.last_seq)
          from moved join input on input.id = moved.id
          where moved.was = 'pending'
        )
        select * from moved`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map((item) => {
        const row = byId.get(item.orderId);
        if (!row) return null;
        return { order: toOrder(row), event: row.was === 'pending' ? withSeq(item.routing, row.last_seq) : null };
      });
    },
  });

  return {
    async create(order, ack) {
      if (await createBatch({ order, ack })) return { status: 'created' };
      const existing = order.clientOrderId === null ? null : await getByClientOrderId(order.accountId, order.clientOrderId);
      if (!existing) throw new Error(`order ${order.id} was neither inserted nor found by its clientOrderId`);
      return { status: 'duplicate', existing };
    },

    get,
    getByClientOrderId,

    transition: (orderId, from, changes, draft) => transitionBatch({ orderId, from, changes, draft }),

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

    saveTx: (orderId, status, previousTxHash, tx) => saveTxBatch({ orderId, status, previousTxHash, ...tx }),

    startAttempt: (orderId, attempt, routing) => startBatch({ orderId, attempt, routing }),

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

    async finishedAmong(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await sql<{ id: string }[]>`
        select id from orders where id = any(${orderIds as string[]}::uuid[]) and status in ('confirmed', 'failed', 'cancelled')`;
      return rows.map((row) => row.id);
    },

    async releaseClientOrderId(orderId) {
      await sql`update orders set client_order_id = null where id = ${orderId} and status = 'failed' and failure_code = 'QUEUE_UNAVAILABLE'`;
    },

    async stalePending(ageMs, limit) {
      const rows = await sql<{ id: string }[]>`
        select id from orders
        where created_at > now() - interval '1 day' and created_at < now() - ${ageMs / 1000} * interval '1 second'
          and status = 'pending' and updated_at < now() - ${ageMs / 1000} * interval '1 second'
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
