import type { JSONValue, Sql } from 'postgres';
import type { Order, OrderChanges } from '../../orders/order.js';
import type { EventDraft } from '../../orders/ports.js';
import type { OrderEvent } from '../../protocol/server-messages.js';

/** A row of the `orders` table as postgres.js returns it. */
export interface OrderRow {
  id: string;
  account_id: string;
  client_order_id: string | null;
  type: Order['type'];
  side: Order['side'];
  pair: string;
  amount: string;
  slippage_bps: number;
  deadline_ms: number | null;
  limit_price: string | null;
  trigger_price: string | null;
  trigger_direction: Order['trigger'];
  time_in_force: Order['timeInForce'];
  expire_at: Date | null;
  triggered_at: Date | null;
  status: Order['status'];
  dex: Order['dex'];
  legs: Order['legs'];
  limit_amount: string | null;
  tx_hash: string | null;
  last_valid_block_height: string | null;
  executed_price: string | null;
  amount_out: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  attempts: number;
  last_seq: number;
  followers: string[] | null;
  created_at: Date;
  updated_at: Date;
}

/** The column each field a status change may set is stored in. */
const COLUMNS: Record<keyof OrderChanges, string> = {
  dex: 'dex',
  legs: 'legs',
  limitAmount: 'limit_amount',
  txHash: 'tx_hash',
  lastValidBlockHeight: 'last_valid_block_height',
  executedPrice: 'executed_price',
  amountOut: 'amount_out',
  failureCode: 'failure_code',
  failureReason: 'failure_reason',
  attempts: 'attempts',
  amount: 'amount',
  limitPrice: 'limit_price',
  triggerPrice: 'trigger_price',
  expireAt: 'expire_at',
  triggeredAt: 'triggered_at',
};

/** Times go to the database as ISO text (jsonb_to_recordset reads them as timestamptz). */
const TIME_COLUMNS: ReadonlySet<string> = new Set(['expireAt', 'triggeredAt']);

/** A value as a jsonb parameter (postgres.js types its argument too narrowly for our objects). */
export function jsonOf(sql: Sql) {
  return (value: unknown) => sql.json(value as JSONValue);
}

/** Puts seq right after orderId, where a reader of the wire expects it. */
export function withSeq(draft: EventDraft, seq: number): OrderEvent {
  const { type, orderId, ...rest } = draft;
  return { type, orderId, seq, ...rest } as OrderEvent;
}

export function toColumns(changes: OrderChanges): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    out[COLUMNS[key as keyof OrderChanges]] = TIME_COLUMNS.has(key) && typeof value === 'number' ? new Date(value).toISOString() : value;
  }
  return out;
}

export function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    accountId: row.account_id,
    clientOrderId: row.client_order_id,
    type: row.type,
    side: row.side,
    pair: row.pair,
    amount: row.amount,
    slippageBps: row.slippage_bps,
    deadlineMs: row.deadline_ms ?? null,
    limitPrice: row.limit_price ?? null,
    triggerPrice: row.trigger_price ?? null,
    trigger: row.trigger_direction ?? null,
    timeInForce: row.time_in_force ?? null,
    expireAt: row.expire_at ? row.expire_at.getTime() : null,
    triggeredAt: row.triggered_at ? row.triggered_at.getTime() : null,
    status: row.status,
    dex: row.dex,
    legs: row.legs ?? null,
    limitAmount: row.limit_amount,
    txHash: row.tx_hash,
    lastValidBlockHeight: row.last_valid_block_height === null ? null : Number(row.last_valid_block_height),
    executedPrice: row.executed_price,
    amountOut: row.amount_out,
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    attempts: row.attempts,
    lastSeq: row.last_seq,
    followers: row.followers ?? [],
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  };
}
