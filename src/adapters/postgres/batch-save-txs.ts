import type { Sql } from 'postgres';
import type { Order } from '../../orders/order.js';
import type { OrderStatus } from '../../orders/status.js';
import { createBatcher } from '../../util/batcher.js';
import { jsonOf, toOrder, type OrderRow } from './order-rows.js';

type TxItem = { orderId: string; status: OrderStatus; previousTxHash: string | null; txHash: string; lastValidBlockHeight: number };

/**
 * Saves signed transactions over the hash each order is expected to have, many in one statement;
 * resolves null for an order whose status or previous hash no longer match.
 */
export function batchSaveTxs(sql: Sql, linger: { lingerMs: number }) {
  const json = jsonOf(sql);
  return createBatcher<TxItem, Order | null>({
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
      // By `id = any(ids)`: a primary-key probe per order in any plan (see batch-start-attempts.ts).
      const ids = items.map((item) => item.orderId);
      const rows = await sql<OrderRow[]>`
        with input as (
          select * from jsonb_to_recordset(${json(input)}) as x(id uuid, status text, previous text, tx_hash text, last_valid_block_height bigint)
        )
        update orders o
        set tx_hash = i.tx_hash, last_valid_block_height = i.last_valid_block_height, updated_at = now()
        from input i
        where o.id = any(${ids}::uuid[]) and o.id = i.id and o.status = i.status and o.tx_hash is not distinct from i.previous
        returning o.*`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      return items.map((item) => {
        const row = byId.get(item.orderId);
        return row ? toOrder(row) : null;
      });
    },
  });
}
