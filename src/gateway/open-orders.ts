import type { Logger } from '../util/logger.js';
import type { OpenOrderSlot, OpenOrderSlots } from '../orders/ports.js';
import { isTerminal } from '../orders/status.js';

export interface OpenOrdersOptions {
  readonly maxPerAccount: number;
  /** Which of these orders have ended, by the store: the check for terminal events lost on their way. */
  readonly finishedAmong: (orderIds: readonly string[]) => Promise<readonly string[]>;
  readonly log: Logger;
  /** How long a slot is held before the store is asked whether its order ended unseen (default 30 s). */
  readonly reconcileAfterMs?: number;
  readonly now?: () => number;
}

/**
 * Owns the slots of the per-account cap on orders in flight through this gateway, so a submit
 * costs no count query. A submit takes a slot before it is stored; the slot is tied to the order
 * once stored, and freed by the order's terminal event (it reaches this gateway's inbox: the
 * gateway that took an order is always its first follower) or when the submit is refused. A
 * terminal event lost on its way (Redis failing right after the commit) must not hold a slot
 * forever, so slots held longer than `reconcileAfterMs` are checked against the store on a timer.
 * Per process and in memory: a restarted gateway starts from zero.
 */
export function startOpenOrders(options: OpenOrdersOptions) {
  const { maxPerAccount, log } = options;
  const now = options.now ?? Date.now;
  const reconcileAfterMs = options.reconcileAfterMs ?? 30_000;
  const perAccount = new Map<string, number>();
  const boundTo = new Map<string, { accountId: string; since: number }>();

  const decrement = (accountId: string) => {
    const count = (perAccount.get(accountId) ?? 1) - 1;
    if (count > 0) perAccount.set(accountId, count);
    else perAccount.delete(accountId);
  };

  function acquire(accountId: string): OpenOrderSlot | null {
    const count = perAccount.get(accountId) ?? 0;
    if (count >= maxPerAccount) return null;
    perAccount.set(accountId, count + 1);
    let orderId: string | undefined;
    let released = false;
    return {
      bind(id) {
        if (released || orderId !== undefined) return;
        orderId = id;
        boundTo.set(id, { accountId, since: now() });
      },
      release() {
        if (released) return;
        released = true;
        if (orderId === undefined) decrement(accountId);
        else finished(orderId);
      },
    };
  }

  /** An order ended: its slot is free again (unknown ids are ignored: other gateways' orders). */
  function finished(orderId: string): void {
    const entry = boundTo.get(orderId);
    if (entry === undefined) return;
    boundTo.delete(orderId);
    decrement(entry.accountId);
  }

  /** Slots held longer than `ageMs`, oldest first: to be checked against the store. */
  function heldLongerThan(ageMs: number, limit = 1000): string[] {
    const before = now() - ageMs;
    const out: string[] = [];
    for (const [orderId, entry] of boundTo) {
      if (entry.since < before) out.push(orderId);
      if (out.length >= limit) break;
    }
    return out;
  }

  async function reconcile(): Promise<void> {
    const ended = await options.finishedAmong(heldLongerThan(reconcileAfterMs));
    ended.forEach(finished);
  }

  const timer = setInterval(() => {
    reconcile().catch((err: unknown) => log.warn({ err }, 'could not reconcile open orders'));
  }, reconcileAfterMs);
  timer.unref();

  return {
    acquire,
    finished,
    /**
     * Every event off the bus passes here: a terminal one frees its order's slot, and so does an
     * `open` one (a resting order is not in flight: MAX_RESTING_ORDERS_PER_ACCOUNT bounds those).
     */
    observe(event: { readonly orderId: string; readonly status: string }): void {
      if (isTerminal(event.status) || event.status === 'open') finished(event.orderId);
    },
    reconcile,
    count: (accountId: string) => perAccount.get(accountId) ?? 0,
    close(): void {
      clearInterval(timer);
    },
  } satisfies OpenOrderSlots & Record<string, unknown>;
}

export type OpenOrders = ReturnType<typeof startOpenOrders>;
