import type { Sql } from 'postgres';
import type { Order } from '../../orders/order.js';
import type { EventDraft, OrderCursor, OrderStore } from '../../orders/ports.js';
import { CANCELLABLE, TERMINAL_STATUSES } from '../../orders/status.js';
import type { OrderUpdate } from '../../protocol/server-messages.js';
import { batchCreates } from './batch-creates.js';
import { batchSaveTxs } from './batch-save-txs.js';
import { batchStartAttempts } from './batch-start-attempts.js';
import { batchTransitions } from './batch-transitions.js';
import { jsonOf, toOrder, withSeq, type OrderRow } from './order-rows.js';

/** Most orders one cancelAll takes; an account with more sends it again. */
export const MAX_CANCEL_ALL = 10_000;

/**
 * The OrderStore port on PostgreSQL. Each status change and its event are one statement; the hot
 * writes (create, transition, saveTx, startAttempt) are coalesced into multi-row statements when
 * many are issued at once, so a busy engine pays one round trip and one commit per batch.
 */
export function createOrderStore(sql: Sql, options: { lingerMs?: number; follower?: string } = {}): OrderStore {
  // Creates never linger (an ack waits on them); the worker's steps may, to write bigger batches.
  const linger = { lingerMs: options.lingerMs ?? 0 };
  const json = jsonOf(sql);
  const createBatch = batchCreates(sql, options.follower ?? null);
  const transitionBatch = batchTransitions(sql, linger);
  const saveTxBatch = batchSaveTxs(sql, linger);
  const startBatch = batchStartAttempts(sql, linger);

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
    async create(order, ack) {
      if (await createBatch({ order, ack })) return { status: 'created' };
      const existing = order.clientOrderId === null ? null : await getByClientOrderId(order.accountId, order.clientOrderId);
      if (!existing) throw new Error(`order ${order.id} was neither inserted nor found by its clientOrderId`);
      return { status: 'duplicate', existing };
    },

    get,
    getByClientOrderId,

    transition: (orderId, from, changes, draft, guard) =>
      transitionBatch({ orderId, from, changes, draft, ...(guard?.expectedSeq !== undefined && { expectedSeq: guard.expectedSeq }), ...(guard?.via && { via: guard.via }) }),

    async openOrders(afterId, limit) {
      const rows = await sql<OrderRow[]>`
        select * from orders
        where resting_pair is not null ${afterId === undefined ? sql`` : sql`and id > ${afterId}`}
        order by id
        limit ${limit}`;
      return rows.map(toOrder);
    },

    cancel(orderId, draft) {
      // Once a signature is saved the transaction may be on its way: from then on, no cancel.
      return moveWithEvent(
        sql`update orders set status = 'cancelled', resting_pair = null, last_seq = last_seq + 1, updated_at = now()
            where id = ${orderId}
              and (status in ('pending', 'open', 'routing') or (status = 'building' and tx_hash is null))
            returning *`,
        draft,
      );
    },

    async cancellableOf(accountId, pair) {
      // Candidates only: each cancel is guarded on its own, so one that moved on meanwhile is left alone.
      const rows = await sql<{ id: string }[]>`
        select id from orders
        where account_id = ${accountId} and status = any(${CANCELLABLE as string[]}::text[])
          ${pair === undefined ? sql`` : sql`and pair = ${pair}`}
        order by created_at, id
        limit ${MAX_CANCEL_ALL}`;
      return rows.map((row) => row.id);
    },

    async follow(orderId, follower) {
      // The one that took it stays first; of the others, the latest seven (a client that hops
      // between gateways leaves no long trail; one cut off follows again at its next quiet check).
      // A finished order has nothing left to publish.
      await sql`
        update orders set followers = case
            when cardinality(followers) >= 8 then followers[1:1] || followers[cardinality(followers) - 5:cardinality(followers)] || ${follower}::text
            else followers || ${follower}::text
          end
        where id = ${orderId} and not (${follower}::text = any(followers)) and status <> all(${TERMINAL_STATUSES}::text[])`;
    },

    saveTx: (orderId, status, previousTxHash, tx) => saveTxBatch({ orderId, status, previousTxHash, ...tx }),

    startAttempt: (orderId, attempt) => startBatch({ orderId, attempt }),

    async eventsAfter(orderId, afterSeq) {
      const rows = await sql<{ payload: OrderUpdate }[]>`
        -- One row per seq: the retention copies a live order's old events forward before their day goes.
        select distinct on (seq) payload from order_events
        where order_id = ${orderId} and seq > ${afterSeq}
          -- Only the partitions from the order's creation on are searched (a day's margin for a
          -- database clock set back), not every day of the retention.
          and created_at >= (select created_at - interval '1 day' from orders where id = ${orderId})
        order by seq`;
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
        select id from orders where id = any(${orderIds as string[]}::uuid[]) and status = any(${TERMINAL_STATUSES}::text[])`;
      return rows.map((row) => row.id);
    },

    async releaseClientOrderId(orderId) {
      await sql`update orders set client_order_id = null where id = ${orderId} and status = 'failed' and failure_code = 'QUEUE_UNAVAILABLE'`;
    },

    async restingCountOf(accountId) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from orders where account_id = ${accountId} and resting_pair is not null`;
      return row?.n ?? 0;
    },

    async overduePending(limit) {
      // Deadlines are at most 60 s and the trigger looks at least every 10 s (overdue-look.ts), so
      // the last 80 s of orders hold every order that has become overdue since its last look (a
      // range the BRIN index on created_at finds). One still pending after that (this component
      // was down for longer) is expired by the worker that takes it up.
      const rows = await sql<{ id: string }[]>`
        select id from orders
        where created_at > now() - interval '80 seconds'
          and status = 'pending' and type = 'market' and deadline_ms is not null
          and created_at + deadline_ms * interval '1 millisecond' < now()
        order by created_at
        limit ${limit}`;
      return rows.map((row) => row.id);
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
