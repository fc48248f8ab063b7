import { ORDER_STATUSES, type OrderStatus } from '../protocol/server-messages.js';

export type { OrderStatus };

/**
 * Which status may follow which. `failed` is reachable from every live status; `cancelled` until
 * the transaction is signed (the store also requires no saved signature in `building`); terminal
 * ones lead nowhere. `open` is where a limit, stop or sniper order rests.
 */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['open', 'routing', 'failed', 'cancelled', 'expired'],
  // A resting order moves from `open` to `open` when amended.
  open: ['open', 'routing', 'failed', 'cancelled', 'expired'],
  // Back to `open`: a triggered limit or sniper that could not fill within its price rests again.
  routing: ['open', 'building', 'failed', 'cancelled', 'expired'],
  // Expired only while its transaction was never sent (checked right before the send).
  building: ['open', 'submitted', 'failed', 'cancelled', 'expired'],
  // Back to `open` or `expired` only when its swap reverted (a resting type; a market order fails).
  submitted: ['open', 'confirmed', 'failed', 'expired'],
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
