/** The pace is cut by this share when the queue shows the deployment at its capacity. */
export const PACE_DECREASE = 0.9;
/** While the queue is within its target, the pace grows at each measurement by this share of where the last cut put it. */
export const PACE_INCREASE = 0.01;
/** Pacing ends once the wait has stayed within this share of the target for CALM_MS. */
export const CALM_SHARE = 0.5;
export const CALM_MS = 2_000;
/** Never paced below this many orders/s, and a gateway taking fewer is not paced (the bound on the wait still refuses what a slower deployment cannot take). */
export const MIN_PACE_PER_S = 20;
/** The least the pace grows by per measurement (a gateway cut from a small intake gets back within seconds). */
const MIN_STEP_PER_S = 10;
/** A cut shows in the wait only once the orders accepted after it start: never cut again sooner than this (or the wait itself). */
const MIN_CUT_INTERVAL_MS = 500;
/** Tokens a pace may save up: a tenth of a second of it (submits arrive in bursts within a turn). */
const BURST_S = 0.1;
/** The window this gateway's own intake rate is counted over. */
const BUCKET_MS = 100;
const BUCKETS = 10;

/**
 * Paces one gateway's intake near what the deployment can drain, once the queue shows it is at its
 * capacity, so that a rate beyond it is refused smoothly rather than taken in bursts that then
 * stop every intake until the queue has drained. It steers on the deployment-wide start wait, as
 * TCP steers a flow on its round trips: the first time the wait passes its target, the pace is set
 * to a tenth below what this gateway took over the last second; it is cut by a tenth again while
 * the wait keeps growing (at most once per wait: what a cut lets in takes that long to start), and
 * grows back by 1 % of where the last cut put it per measurement (10 % a second, at least
 * 10 orders/s per measurement) while the wait is within the target. Gateways sharing a deployment
 * each steer on the same wait, so what it drains is shared in proportion to what each was taking.
 * Below capacity nothing is paced (a burst is what the queue is for): pacing ends once the wait
 * has stayed within half its target for 2 s.
 */
export function createIntakePace(now: () => number) {
  let pace = Infinity; // orders/s; Infinity: not paced
  let tokens = 0;
  let refilledAt = now();
  let cutAt = -Infinity;
  let waitAtCut = 0;
  let pacedAtCut = 0;
  let calmSince: number | null = null;
  // This gateway's accepted submits over the last second, in 100 ms buckets.
  const counts = new Array<number>(BUCKETS).fill(0);
  const startedAt = now();
  let bucket = Math.floor(startedAt / BUCKET_MS);

  function roll(at: number): void {
    const current = Math.floor(at / BUCKET_MS);
    for (let b = bucket + 1; b <= current && b <= bucket + BUCKETS; b++) counts[b % BUCKETS] = 0;
    bucket = Math.max(bucket, current);
  }

  /** This gateway's intake over the last second, orders/s (the buckets cover 0.9-1 s of it, or less just after the start). */
  function intakeRate(): number {
    const at = now();
    roll(at);
    const coveredMs = Math.max(BUCKET_MS, Math.min((BUCKETS - 1) * BUCKET_MS + (at % BUCKET_MS), at - startedAt));
    return (counts.reduce((sum, n) => sum + n, 0) * 1000) / coveredMs;
  }

  function reset(): void {
    pace = Infinity;
    calmSince = null;
    waitAtCut = 0;
  }

  return {
    /**
     * Told of each measurement of the start wait, with the wait above which the deployment is
     * taken to be at its capacity.
     */
    observe(waitMs: number, targetMs: number): void {
      const at = now();
      if (waitMs > targetMs) {
        calmSince = null;
        if (pace === Infinity) {
          // The first cut starts from what this gateway took over the last second. A gateway
          // taking next to nothing adds nothing to the backlog: it is left unpaced.
          const rate = intakeRate();
          if (rate < MIN_PACE_PER_S) return;
          pace = Math.max(MIN_PACE_PER_S, rate * PACE_DECREASE);
          tokens = pace * BURST_S; // a full burst to start with: the next submits are not refused for an empty bucket
          refilledAt = at;
        } else {
          // Cut again only once a wait has passed since the last cut (the orders accepted after it
          // take that long to start, so a wait still high sooner says nothing of the new pace), and
          // only while the wait still grows: a backlog already draining needs no deeper cut.
          if (at - cutAt < Math.max(MIN_CUT_INTERVAL_MS, waitMs) || waitMs < waitAtCut) return;
          pace = Math.max(MIN_PACE_PER_S, pace * PACE_DECREASE);
          tokens = Math.min(tokens, pace * BURST_S);
        }
        cutAt = at;
        waitAtCut = waitMs;
        pacedAtCut = pace;
        return;
      }
      if (pace === Infinity) return;
      waitAtCut = 0; // within the target: the next wait past it is a new congestion, cut when due
      // Grown towards twice what this gateway takes and no further (a pace far above its use would
      // let a flood through at once); never lowered here, so a lull costs a client nothing.
      const step = Math.max(MIN_STEP_PER_S, pacedAtCut * PACE_INCREASE);
      pace = Math.max(pace, Math.min(pace + step, 2 * intakeRate()));
      if (waitMs > targetMs * CALM_SHARE) calmSince = null;
      else if (calmSince === null) calmSince = at;
      else if (at - calmSince >= CALM_MS) reset(); // well below capacity for a while: no pacing
    },

    /** Ends pacing (the wait cannot be measured: nothing is refused for overload meanwhile). */
    reset,

    /** Takes one submit's place in the pace; false: refuse it. Counts what it lets through. */
    take(): boolean {
      const at = now();
      if (pace !== Infinity) {
        tokens = Math.min(pace * BURST_S, tokens + ((at - refilledAt) / 1000) * pace);
        refilledAt = at;
        if (tokens < 1) return false;
        tokens -= 1;
      } else {
        refilledAt = at;
      }
      roll(at);
      counts[bucket % BUCKETS]! += 1;
      return true;
    },

    /** Orders/s this gateway takes at most now (Infinity: not paced). */
    get pace() {
      return pace;
    },
  };
}

export type IntakePace = ReturnType<typeof createIntakePace>;
