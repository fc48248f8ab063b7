/**
 * When the overdue sweep reads the store. A market order can only be overdue while `pending`: its
 * job waits in the queue, is held by a worker, or was never queued (a gateway that died between
 * its insert and its add). While no job has waited as long as the shortest deadline, none that
 * waits can be overdue; one a worker holds is expired by that worker when it takes it up. So the
 * sweep reads the store only when some job has waited that long, and otherwise at least every
 * `atLeastEveryMs`, for the orders no waiting job carries (a worker that died holding them, whose
 * job comes back only when BullMQ finds it stalled; a job never added).
 */
export function createOverdueSchedule(options: { shortestDeadlineMs: number; atLeastEveryMs: number }) {
  let lastLook = Number.NEGATIVE_INFINITY;
  return {
    /**
     * Whether to look now, given how long the oldest waiting job has waited (Infinity when that
     * could not be read: look). A look it allows is counted as made.
     */
    due(now: number, oldestQueuedMs: number): boolean {
      if (oldestQueuedMs < options.shortestDeadlineMs && now - lastLook < options.atLeastEveryMs) return false;
      lastLook = now;
      return true;
    },
  };
}
