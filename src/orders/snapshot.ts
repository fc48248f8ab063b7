import { ERRORS, type ErrorCode } from '../errors.js';
import type { OrderSnapshot } from '../protocol/server-messages.js';
import type { Order } from './order.js';
import { wireTerms } from './resting-terms.js';

/** An order as `get` and `list` show it on the wire. */
export function toSnapshot(order: Order): OrderSnapshot {
  return {
    orderId: order.id,
    clientOrderId: order.clientOrderId,
    type: order.type,
    side: order.side,
    pair: order.pair,
    amount: order.amount,
    slippageBps: order.slippageBps,
    ...wireTerms(order),
    status: order.status,
    dex: order.dex,
    txHash: order.txHash,
    executedPrice: order.executedPrice,
    amountOut: order.amountOut,
    error:
      order.failureCode === null
        ? null
        : { code: order.failureCode, message: `${ERRORS[order.failureCode as ErrorCode]?.message ?? order.failureCode}: ${order.failureReason ?? ''}` },
    attempts: order.attempts,
    lastSeq: order.lastSeq,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

/** True when two decimal strings denote the same number ("1.50" and "1.5"). */
export function sameDecimal(a: string, b: string): boolean {
  const normal = (text: string) => {
    const [whole = '0', fraction = ''] = text.split('.');
    const int = whole.replace(/^0+(?=\d)/, '');
    const frac = fraction.replace(/0+$/, '');
    return frac ? `${int}.${frac}` : int;
  };
  return normal(a) === normal(b);
}
