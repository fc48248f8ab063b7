import type { QueueReading } from '../orders/ports.js';
import type { Logger } from '../util/logger.js';

/** Share of an order's deadline the queue may already be taking: past it, new submits are refused. */
export const QUEUE_SHARE_OF_DEADLINE = 0.5;
/** How often the queue is measured. */
const MEASURE_EVERY_MS = 100;
/** The drain rate is the orders taken up over this long (a few of the workers' clumps of starts). */
export const DRAIN_WINDOW_MS = 2_000;
/** A reading shows the workers behind when the oldest job has waited a measuring interval or more. */
export const BEHIND_AT_MS = MEASURE_EVERY_MS;
/** A drain window measures the capacity when the workers were behind in at least this share of its readings, */
const BEHIND_SHARE = 0.5;
/**
 * and took up at least this many orders in it, with work still queued at its end: workers just
 * back from a stall (a restart, a Redis gap) that start the few jobs left waiting show a drain,
 * not a capacity. So below 50 orders a second no capacity is measured: before one is known the
 * oldest job's age judges alone, and once one is, workers slowing below that rate do not lower it
 * (their growing oldest job still refuses).
 */
export const MIN_MEASURED_ORDERS = 100;
/**
 * Each reading that measures the capacity moves it this share of the way to the window's drain:
 * the workers' clumps of starts are smoothed over a few seconds, and no single clump is held.
 */
const CAPACITY_SMOOTHING = 0.1;
/**
 * A known capacity rises toward a higher drain, behind or not, only when that drain held over this
 * long (the workers' clumps and a late report averaged out) and this gateway refused on the
 * backlog in it while no job waited past the bound: a capacity too low only matters when it turns
 * orders away.
 */
export const RISE_WINDOW_MS = 5_000;
/** The bounds of the retryAfterMs an OVERLOADED refusal suggests. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * The admission rule, without I/O or timers. Orders are started first in, first out, so a new
 * order waits for the backlog ahead of it to drain: backlog / capacity (Little's law). The backlog
 * is read every 100 ms and, in between, follows this gateway's own admissions and the drain: each
 * submit is judged on the backlog as it stands, and the intake settles at the rate the deployment
 * drains instead of swinging between taking everything and refusing everything.
 *
 * The capacity is a drain rate (orders taken up over the last 2 s), but only a drain measured
 * while the workers were behind (the oldest job waiting a measuring interval or more in at least
 * half the window's readings, 100 orders or more taken up, work still queued at its end) says what
 * they can do: a drain with the workers keeping up is only what was offered. Each such reading
 * moves the capacity a tenth of the way to its drain (the workers' clumps of starts smoothed, none
 * held: keeping the highest drain seen instead let one clump hold it above what the workers
 * drain, see docs/performance.md). A known capacity below the drain of the last 5 s moves up
 * toward that drain the same way whether or not the workers were behind, if this gateway refused
 * on the backlog over the capacity in those 5 s while no job waited past the bound: the workers
 * drained that much, so they can, and the capacity was turning orders away. (In realistic mode
 * the oldest job waits 100 ms half the time while the workers keep up, so a capacity measured then
 * is only the rate offered then, and held the intake there.) The 5 s average out the workers'
 * clumps and a late report, and a rise needs refusals, so a capacity does not creep up on noise
 * while the workers keep up. Between such readings the capacity is kept, through a lull too.
 * Until the workers have been seen behind it is not known, and the backlog is not judged on it: a
 * burst after light traffic is not measured against the light traffic. The oldest job still
 * waiting counts as well, always: with no worker taking anything, its age grows and refuses.
 */
export function createAdmission(options: { readonly maxWaitMs: number }) {
  // Readings over the rise window (5 s; the drain window is its last 2 s): [time, takenUp, the workers were behind].
  const samples: Array<[number, number, boolean]> = [];
  let backlog = 0;
  let measuredAt = 0;
  let drainPerMs = 0;
  let capacityPerMs = 0;
  let oldestQueuedMs = 0;
  let admittedSince = 0;
  /** When this gateway last refused on the backlog over the capacity while no job waited past the bound. */
  let blockedAt = Number.NEGATIVE_INFINITY;

  /** The backlog now: as read, plus what this gateway admitted since, less what drained since. */
  const backlogAt = (nowMs: number) => Math.max(0, backlog + admittedSince - drainPerMs * Math.max(0, nowMs - measuredAt));
  const waitAt = (nowMs: number) => {
    const queued = capacityPerMs > 0 ? backlogAt(nowMs) / capacityPerMs : 0;
    return Math.max(queued, oldestQueuedMs);
  };

  return {
    /** Takes a reading; `admittedDuring` is what this gateway admitted while it was being read. */
    observe(reading: QueueReading, nowMs: number, admittedDuring = 0): void {
      const last = samples.at(-1);
      // A counter that went back (Redis lost it) starts the window again.
      if (last && reading.takenUp < last[1]) samples.length = 0;
      samples.push([nowMs, reading.takenUp, reading.oldestQueuedMs >= BEHIND_AT_MS]);
      while (samples.length > 2 && samples[1]![0] <= nowMs - RISE_WINDOW_MS) samples.shift();
      // The drain window: the readings of the last 2 s, and the one just before them.
      const recent = samples.slice(Math.max(0, samples.findIndex((sample) => sample[0] > nowMs - DRAIN_WINDOW_MS) - 1));
      const [firstAt, firstTaken] = recent[0]!;
      const spanMs = nowMs - firstAt;
      drainPerMs = spanMs > 0 ? (reading.takenUp - firstTaken) / spanMs : 0;
      const behind = recent.filter((sample) => sample[2]).length;
      // A known capacity below what the workers drained over the longer window is too low, behind
      // or not, and matters if it turned orders away: what they drain they can.
      const [riseFromAt, riseFromTaken] = samples[0]!;
      const riseSpanMs = nowMs - riseFromAt;
      const longDrainPerMs = riseSpanMs >= RISE_WINDOW_MS * 0.9 ? (reading.takenUp - riseFromTaken) / riseSpanMs : 0;
      const drainsMore = capacityPerMs > 0 && longDrainPerMs > capacityPerMs && blockedAt > nowMs - RISE_WINDOW_MS;
      const enough = spanMs >= DRAIN_WINDOW_MS / 2 && reading.takenUp - firstTaken >= MIN_MEASURED_ORDERS && reading.backlog > 0;
      if (enough && behind >= recent.length * BEHIND_SHARE) {
        capacityPerMs = capacityPerMs > 0 ? capacityPerMs + CAPACITY_SMOOTHING * (drainPerMs - capacityPerMs) : drainPerMs;
      } else if (enough && drainsMore) {
        capacityPerMs += CAPACITY_SMOOTHING * (longDrainPerMs - capacityPerMs);
      }
      backlog = Math.max(0, reading.backlog);
      oldestQueuedMs = Math.max(0, reading.oldestQueuedMs);
      measuredAt = nowMs;
      admittedSince = admittedDuring;
    },
    /** The queue cannot be read: nothing is refused for overload meanwhile (a submit fails on its own when the queue is down). */
    forget(): void {
      samples.length = 0; // a window does not span the gap
      backlog = 0;
      oldestQueuedMs = 0;
      admittedSince = 0;
      drainPerMs = 0;
    },
    /** The retryAfterMs to refuse an order of this deadline with, or null to take it (and count it in the backlog). */
    refuse(deadlineMs: number, nowMs: number): number | null {
      if (options.maxWaitMs === 0) return null;
      const bound = Math.min(options.maxWaitMs, deadlineMs * QUEUE_SHARE_OF_DEADLINE);
      const waitMs = waitAt(nowMs);
      if (waitMs <= bound) {
        admittedSince += 1;
        return null;
      }
      if (oldestQueuedMs <= bound) blockedAt = nowMs; // refused on the backlog over the capacity alone
      return Math.round(Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, waitMs - bound)));
    },
    /** What the last reading and the admissions since give, for the metrics (capacity 0: not measured yet). */
    state(nowMs: number) {
      return { waitMs: waitAt(nowMs), backlog: backlogAt(nowMs), drainPerSecond: drainPerMs * 1000, capacityPerSecond: capacityPerMs * 1000 };
    },
  };
}

export interface OverloadGuardOptions {
  /** Reads the queue across the deployment; null when it cannot be told. */
  readonly read: () => Promise<QueueReading | null>;
  /** The longest start wait taken whatever the deadline (ADMISSION_MAX_WAIT_MS; 0: no admission control). */
  readonly maxWaitMs: number;
  readonly log: Logger;
  readonly everyMs?: number;
  readonly now?: () => number;
}

/**
 * Admission control: refuses a submit the deployment cannot start in time, before anything is
 * stored (the rule: createAdmission). The queue is read every 100 ms, in one script per shard,
 * across every gateway's orders. When the wait a new order faces is past its bound (half the
 * order's deadline, and at most ADMISSION_MAX_WAIT_MS), the order is refused with OVERLOADED and a
 * retryAfterMs: the engine serves what it can start in time, and says so at once for the rest.
 */
export function startOverloadGuard(options: OverloadGuardOptions) {
  const { log } = options;
  const now = options.now ?? Date.now;
  const admission = createAdmission({ maxWaitMs: options.maxWaitMs });
  let admitted = 0;
  let measuring = false;
  let failing = false;
  const measure = async () => {
    if (measuring) return;
    measuring = true;
    const admittedBefore = admitted;
    try {
      const reading = await options.read();
      if (reading) admission.observe(reading, now(), admitted - admittedBefore);
      else admission.forget();
      if (failing) log.info('measuring the queue again');
      failing = false;
    } catch (err) {
      admission.forget(); // unknown: let the submit go (a queue that is down refuses it by itself)
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
      const retryAfterMs = admission.refuse(deadlineMs, now());
      if (retryAfterMs === null) admitted += 1;
      return retryAfterMs;
    },
    /** The wait a new order faces, the backlog ahead of it and the drain rate, as last measured and followed since. */
    state: () => admission.state(now()),
    close(): void {
      clearInterval(timer);
    },
  };
}

export type OverloadGuard = ReturnType<typeof startOverloadGuard>;
