import type { Logger } from '../util/logger.js';
import type { CancelAll } from './cancel-all.js';

/** Where armed switches are kept (PostgreSQL in production, on its clock): shared by every process. */
export interface SwitchStore {
  /** Arms (or re-arms, moving its time) the account's switch `timeoutMs` from now; when it fires. */
  arm(accountId: string, timeoutMs: number): Promise<number>;
  /** Disarms the account's switch, if armed. */
  disarm(accountId: string): Promise<void>;
  /** Claims due switches for a while: no other caller gets them until fired or the claim lapses. */
  claimDue(limit: number): Promise<Array<{ accountId: string; triggerAt: number }>>;
  /** Forgets a fired switch (unless it was re-armed since it was claimed). */
  fired(accountId: string, triggerAt: number): Promise<void>;
}

/** Most switches fired in one look. */
const FIRE_BATCH = 100;

/** Arms the account's switch `timeoutMs` from now, or disarms it with 0; when it will fire, or 0. */
export async function armSwitch(switches: SwitchStore, accountId: string, timeoutMs: number): Promise<number> {
  if (timeoutMs === 0) {
    await switches.disarm(accountId);
    return 0;
  }
  return switches.arm(accountId, timeoutMs);
}

/**
 * Fires the switches that are due: every cancellable order of each such account is cancelled,
 * then the switch is forgotten. Run by every worker on a timer; a claimed switch is fired by one
 * of them, and one whose firing failed (or whose worker died) is fired again after its claim
 * lapses; a second firing cancels nothing more. Returns what it fired.
 */
export async function fireDueSwitches(deps: { switches: SwitchStore; cancelAll: CancelAll; log: Logger }) {
  const fired: Array<{ accountId: string; cancelled: string[] }> = [];
  for (const { accountId, triggerAt } of await deps.switches.claimDue(FIRE_BATCH)) {
    try {
      const cancelled = await deps.cancelAll(accountId, undefined, 'cancelled by the dead-man switch (cancelAllAfter was not renewed in time)');
      await deps.switches.fired(accountId, triggerAt);
      deps.log.info({ accountId, triggerAt, cancelled: cancelled.length }, 'dead-man switch fired');
      fired.push({ accountId, cancelled });
    } catch (err) {
      deps.log.warn({ err, accountId }, 'dead-man switch could not fire; it will again once its claim lapses');
    }
  }
  return fired;
}
