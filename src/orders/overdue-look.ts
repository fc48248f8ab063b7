import type { QueueReading } from './ports.js';

/**
 * When the overdue sweep reads the store. A market order can only be overdue while `pending`: its
 * job waits in the queue, or a worker holds it (waiting for a slot, or taking it up), or nobody
 * does (its worker died holding it, until BullMQ finds the job stalled; a gateway died between its
 * insert and its add). An order is counted in the backlog from its add until a worker gives it a
 * slot, so while no job has waited the shortest deadline and the backlog is less than that long
 * at the drain rate (plus `slackMs`: the workers count out in reports, so the backlog always holds
 * a report's worth), no order queued or held can be overdue. The sweep then reads the store only
 * every `atLeastEveryMs`, for the orders nobody holds. A look that failed or found a full page is
 * made again at the next check.
 */
export function createOverdueSchedule(options: { shortestDeadlineMs: number; slackMs: number; atLeastEveryMs: number }) {
  let lastLook = Number.NEGATIVE_INFINITY;
  let last: { at: number; takenUp: number } | null = null;

  /** How long the backlog takes to drain at the rate seen since the last reading, ms (Infinity: not known, or nothing drains). */
  function backlogMs(now: number, reading: QueueReading): number {
    const before = last;
    last = { at: now, takenUp: reading.takenUp };
    if (reading.backlog === 0) return 0;
    if (!before || now <= before.at || reading.takenUp <= before.takenUp) return Number.POSITIVE_INFINITY;
    const perMs = (reading.takenUp - before.takenUp) / (now - before.at);
    return reading.backlog / perMs;
  }

  return {
    /**
     * Whether to look now, given what the queue shows (null: it could not be read, so look). A
     * look it allows is counted as made.
     */
    due(now: number, reading: QueueReading | null): boolean {
      const waiting = reading === null ? Number.POSITIVE_INFINITY : Math.max(reading.oldestQueuedMs, backlogMs(now, reading) - options.slackMs);
      if (waiting < options.shortestDeadlineMs && now - lastLook < options.atLeastEveryMs) return false;
      lastLook = now;
      return true;
    },
    /** The look allowed last failed or found more than one page: the next check looks again. */
    again(): void {
      lastLook = Number.NEGATIVE_INFINITY;
    },
  };
}
