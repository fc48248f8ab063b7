import { ERRORS, type ErrorCode } from '../errors.js';
import { findOrder, type OrderSelector } from './find-order.js';
import { cancelledEvent } from './order-events.js';
import type { Clock, EventPublisher, OrderStore } from './ports.js';
import type { OrderStatus } from './status.js';

export type CancelResult =
  | { readonly ok: true; readonly orderId: string; readonly seq: number }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly status?: OrderStatus };

/**
 * Cancels an order that has not been signed for a venue yet. The store's guard decides, so a cancel
 * racing the worker either wins (the worker then stops at the terminal status) or is refused with
 * NOT_CANCELLABLE and the status that beat it: an order is never both cancelled and executed.
 */
export function createCancelOrder(deps: { store: OrderStore; events: EventPublisher; clock: Clock }) {
  const { store, events, clock } = deps;
  return async function cancelOrder(selector: OrderSelector, accountId: string): Promise<CancelResult> {
    const order = await findOrder(store, selector, accountId);
    if (!order) return { ok: false, code: 'ORDER_NOT_FOUND', message: ERRORS.ORDER_NOT_FOUND.message };
    const result = await store.cancel(order.id, cancelledEvent(order.id, 'cancelled by the client', clock.now()));
    if (!result) {
      const current = (await store.get(order.id))?.status ?? order.status;
      return {
        ok: false,
        code: 'NOT_CANCELLABLE',
        message: `${ERRORS.NOT_CANCELLABLE.message}: it is ${current}${current === 'building' ? ' with its transaction signed' : ''}`,
        status: current,
      };
    }
    await events.publish(result.event, result.order);
    return { ok: true, orderId: order.id, seq: result.event.seq };
  };
}
