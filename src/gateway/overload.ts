import type { Logger } from '../util/logger.js';

/** Share of an order's deadline the queue may already be taking: past it, new submits are refused. */
export const QUEUE_SHARE_OF_DEADLINE = 0.5;
/** How often the queue's wait is measured. */
const MEASURE_EVERY_MS = 100;
/** The bounds of the retryAfterMs an OVERLOADED refusal suggests. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

export interface OverloadGuardOptions {
  /**
   * How long orders wait before a worker starts them (across the deployment), ms: the longer of
   * the oldest job still in the queue and the longest wait the workers reported for the orders they
   * just started; 0 when nothing waits; null when it cannot be told (Redis down: the submit then
   * fails on its own).
   */
  readonly startWaitMs: () => Promise<number | null>;
  /** The longest start wait taken whatever the deadline (ADMISSION_MAX_WAIT_MS; 0: no admission control). */
  readonly maxWaitMs: number;
  readonly log: Logger;
  readonly everyMs?: number;
}

/**
 * Admission control: refuses a submit the deployment cannot start in time, before anything is
 * stored. Orders are started first in, first out, so how long the orders being started now have
 * waited since their ack is what a new order can expect to wait too: the oldest job still in the
 * queue, and the longest wait the workers reported for the orders they just started (jobs a
 * worker took but cannot start yet, its CPU busy, count there). It is measured every 100 ms, in
 * one script, across every gateway's orders. When that wait is past the bound (half the order's
 * deadline, and at most ADMISSION_MAX_WAIT_MS), the order is refused with OVERLOADED and a
 * retryAfterMs: the engine serves what it can start in time, and says so at once for the rest.
 */
export function startOverloadGuard(options: OverloadGuardOptions) {
  const { log } = options;
  let waitMs = 0;
  let measuring = false;
  let failing = false;
  const measure = async () => {
    if (measuring) return;
    measuring = true;
    try {
      const measured = await options.startWaitMs();
      waitMs = measured ?? 0;
      if (failing) log.info('measuring the queue again');
      failing = false;
    } catch (err) {
      waitMs = 0; // unknown: let the submit go (a queue that is down refuses it by itself)
      if (!failing) log.warn({ err }, 'could not measure the queue; not refusing for overload meanwhile');
      failing = true;
    } finally {
      measuring = false;
    }
  };
  const timer = setInterval(() => void measure(), options.everyMs ?? MEASURE_EVERY_MS);
  timer.unref();
  void measure();

  return {
    /** The retryAfterMs to refuse an order of this deadline with, or null to take it. */
    refuse(deadlineMs: number): number | null {
      if (options.maxWaitMs === 0) return null;
      const bound = Math.min(options.maxWaitMs, deadlineMs * QUEUE_SHARE_OF_DEADLINE);
      if (waitMs <= bound) return null;
      return Math.round(Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, waitMs - bound)));
    },
    /** The start wait as last measured, ms. */
    get startWaitMs() {
      return waitMs;
    },
    close(): void {
      clearInterval(timer);
    },
  };
}

export type OverloadGuard = ReturnType<typeof startOverloadGuard>;
