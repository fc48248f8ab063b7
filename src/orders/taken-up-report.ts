import type { Logger } from '../util/logger.js';

/** How often a worker counts the orders it took up out of the backlog (for the gateways' admission control). */
export const TAKEN_UP_REPORT_MS = 100;

export interface TakenUpReportDeps {
  /** Counts orders out of their shard's admission backlog (in Redis). */
  readonly send: (count: number) => Promise<void>;
  readonly everyMs: number;
  readonly log: Pick<Logger, 'debug'>;
}

/**
 * What a worker took up, counted out of the admission backlog every `everyMs` in one report. At
 * most one report is in flight: a slow Redis does not pile them up. A report that fails gives its
 * count back to the next one. (One that did count but whose reply was lost is counted twice: the
 * backlog then reads low, and its floor absorbs that.) `flush` stops the timer and, once the report
 * in flight has settled (and perhaps given its count back), sends what is left.
 */
export function startTakenUpReport({ send, everyMs, log }: TakenUpReportDeps) {
  let pending = 0;
  let inFlight: Promise<void> | undefined;
  const report = (count: number) =>
    send(count).catch((err: unknown) => {
      pending += count;
      log.debug({ err }, 'could not count the orders taken up');
    });
  const timer = setInterval(() => {
    if (pending === 0 || inFlight) return;
    const count = pending;
    pending = 0;
    inFlight = report(count).finally(() => (inFlight = undefined));
  }, everyMs);
  timer.unref();
  return {
    add: (count = 1) => void (pending += count),
    /** Not yet counted out (for tests and logs). */
    pending: () => pending,
    async flush(): Promise<void> {
      clearInterval(timer);
      await inFlight;
      if (pending === 0) return;
      const count = pending;
      pending = 0;
      await report(count);
    },
  };
}
