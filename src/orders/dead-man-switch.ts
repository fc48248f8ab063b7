import type { Logger } from '../util/logger.js';
import type { CancelAll } from './cancel-all.js';
import type { Clock } from './ports.js';

/** Where armed switches are kept (PostgreSQL in production): shared by every process. */
export interface SwitchStore {
  /** Arms (or re-arms, moving its time) the account's switch to fire at `triggerAt`. */
  arm(accountId: string, triggerAt: number): Promise<void>;
  /** Disarms the account's switch, if armed. */
  disarm(accountId: string): Promise<void>;
  /** Takes the switches due by `nowMs`: each is handed to exactly one caller, however many ask. */
  takeDue(nowMs: number, limit: number): Promise<Array<{ accountId: string; triggerAt: number }>>;
}

/** Most switches fired in one look. */
const FIRE_BATCH = 100;

/**
 * Fires the switches that are due: every cancellable order of each such account is cancelled.
 * Run by every worker on a timer; a switch is taken by one of them only, so it fires once.
 * Returns what it fired.
 */
export async function fireDueSwitches(deps: { switches: SwitchStore; cancelAll: CancelAll; clock: Clock; log: Logger }) {
  const due = await deps.switches.takeDue(deps.clock.now(), FIRE_BATCH);
  const fired: Array<{ accountId: string; cancelled: string[] }> = [];
  for (const { accountId, triggerAt } of due) {
    const cancelled = await deps.cancelAll(accountId, undefined, 'cancelled by the dead-man switch (cancelAllAfter was not renewed in time)');
    deps.log.info({ accountId, triggerAt, cancelled: cancelled.length }, 'dead-man switch fired');
    fired.push({ accountId, cancelled });
  }
  return fired;
}
