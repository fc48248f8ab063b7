import type { OrderStatus } from '../protocol/server-messages.js';

export type { OrderStatus };

/** Which status may follow which. `failed` is reachable from every live status; terminal ones lead nowhere. */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['routing', 'failed'],
  routing: ['building', 'failed'],
  building: ['submitted', 'failed'],
  submitted: ['confirmed', 'failed'],
  confirmed: [],
  failed: [],
};

/** True when `to` may directly follow `from`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** True for statuses an order never leaves. */
export function isTerminal(status: OrderStatus): boolean {
  return NEXT[status].length === 0;
}
