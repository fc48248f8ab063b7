import { ORDER_STATUSES, type OrderStatus } from '../protocol/server-messages.js';

export type { OrderStatus };

/**
 * Which status may follow which. `failed` is reachable from every live status; `cancelled` until
 * the transaction is signed (the store also requires no saved signature in `building`); terminal
 * ones lead nowhere.
 */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['open', 'routing', 'failed', 'cancelled', 'expired'],
  open: ['routing', 'failed', 'cancelled', 'expired'],
  routing: ['building', 'failed', 'cancelled', 'expired'],
  // Expired only while its transaction was never sent (checked right before the send).
  building: ['submitted', 'failed', 'cancelled', 'expired'],
  submitted: ['confirmed', 'failed'],
  confirmed: [],
  failed: [],
  cancelled: [],
  expired: [],
};

/** Statuses from which a client may cancel. */
export const CANCELLABLE: readonly OrderStatus[] = ['pending', 'open', 'routing', 'building'];

/** True when `to` may directly follow `from`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses an order never leaves, in lifecycle order: those that lead nowhere. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = Object.freeze(ORDER_STATUSES.filter((status) => NEXT[status].length === 0));

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES);

/** True for statuses an order never leaves; false for any text that is not a status (an event off the bus is unchecked). */
export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}
