import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BEHIND_AT_MS, createAdmission, startOverloadGuard, type OverloadGuard } from '../../../src/gateway/overload.js';

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => log } as never;

/** An admission that has seen the workers, behind, take up 2,000 orders in the last second (2 a ms). */
function draining(backlog: number, options: { oldestQueuedMs?: number } = {}) {
  const admission = createAdmission({ maxWaitMs: 1_000 });
  admission.observe({ backlog: 2_000, takenUp: 10_000, oldestQueuedMs: BEHIND_AT_MS }, 0);
  admission.observe({ backlog: 2_000, takenUp: 12_000, oldestQueuedMs: BEHIND_AT_MS }, 1_000);
  // Then, at the same moment, the backlog asked for.
  admission.observe({ backlog, takenUp: 12_000, oldestQueuedMs: options.oldestQueuedMs ?? BEHIND_AT_MS }, 1_000);
  return admission;
}

describe('the admission rule', () => {
  it('judges the wait as the backlog over the drain rate, against half the deadline and the cap, and says when to retry', () => {
    const admission = draining(1_000); // 1,000 orders ahead, 2 taken up a ms: 500 ms
    expect(admission.state(1_000)).toMatchObject({ waitMs: 500, backlog: 1_000, drainPerSecond: 2_000 });
    expect(admission.refuse(600, 1_000)).toBe(250); // past half of 600 ms: refused, retry after at least 250 ms
    expect(admission.refuse(10_000, 1_000)).toBeNull(); // within the 1 s cap
    const far = draining(10_000); // 5 s of backlog
    expect(far.refuse(60_000, 1_000)).toBe(4_000); // the cap (1 s) applies whatever the deadline
  });

  it('follows its own admissions and the drain between readings: offered five times the drain, it takes what drains', () => {
    // At the bound already less 10 orders: 1,990 ahead, 2 a ms drain, 1 s bound (2,000 orders).
    const admission = draining(1_990);
    let admitted = 0;
    let refused = 0;
    // 100 ms before the next reading, 10 submits a ms (10,000/s offered against 2,000/s drained).
    for (let ms = 0; ms < 100; ms++) {
      for (let i = 0; i < 10; i++) {
        if (admission.refuse(10_000, 1_000 + ms) === null) admitted += 1;
        else refused += 1;
      }
    }
    // The 10 (and the one at the bound) at once, then about the 2 a ms that drain: not 1,000, not 0.
    expect(admitted).toBeGreaterThanOrEqual(205);
    expect(admitted).toBeLessThanOrEqual(212);
    expect(refused).toBe(1_000 - admitted);
    // The next reading shows the admissions landed; what this gateway admitted while reading counts on top.
    admission.observe({ backlog: 1_999, takenUp: 12_200, oldestQueuedMs: BEHIND_AT_MS }, 1_100, 1);
    expect(admission.state(1_100).backlog).toBe(2_000); // at the bound
    expect(admission.refuse(10_000, 1_100)).toBeNull();
    expect(admission.refuse(10_000, 1_100)).not.toBeNull(); // past it
  });

  it('keeps the drain rate it has shown through a lull, and refuses when nothing is taken up while jobs wait', () => {
    const admission = draining(0);
    // Three quiet seconds: nothing taken up, a burst of 1,500 orders now queued.
    admission.observe({ backlog: 0, takenUp: 12_000, oldestQueuedMs: 0 }, 2_000);
    admission.observe({ backlog: 1_500, takenUp: 12_000, oldestQueuedMs: 0 }, 4_000);
    expect(admission.state(4_000).drainPerSecond).toBe(0);
    expect(admission.state(4_000).capacityPerSecond).toBe(2_000); // kept through the lull
    expect(admission.refuse(10_000, 4_000)).toBeNull(); // 750 ms at the rate shown: taken
    // No worker takes anything up and the oldest job has waited 1.2 s: refused, whatever the backlog.
    const stalled = draining(0, { oldestQueuedMs: 1_200 });
    expect(stalled.refuse(10_000, 1_000)).toBe(250);
  });

  it('does not judge a burst after light traffic on what the light traffic drained: that is not the capacity', () => {
    // Five orders a second for three seconds, each taken up at once (no job left waiting), then a burst of 30.
    const admission = createAdmission({ maxWaitMs: 1_000 });
    for (let ms = 0; ms <= 3_000; ms += 100) admission.observe({ backlog: 1, takenUp: Math.floor(ms / 200), oldestQueuedMs: 0 }, ms);
    expect(admission.state(3_000)).toMatchObject({ drainPerSecond: 5, capacityPerSecond: 0 });
    admission.observe({ backlog: 30, takenUp: 15, oldestQueuedMs: 3 }, 3_100);
    for (let i = 0; i < 30; i++) expect(admission.refuse(10_000, 3_100)).toBeNull();
    // Once the workers were seen behind, the capacity is what they drained then, and a burst is judged on it.
    for (let ms = 3_200; ms <= 5_200; ms += 100) admission.observe({ backlog: 100, takenUp: 15 + (ms - 3_100) / 20, oldestQueuedMs: 400 }, ms);
    expect(admission.state(5_200).capacityPerSecond).toBeCloseTo(50, 5);
    admission.observe({ backlog: 100, takenUp: 120, oldestQueuedMs: 0 }, 5_300);
    expect(admission.refuse(10_000, 5_300)).not.toBeNull(); // 100 orders at 50 a second: 2 s
  });

  it('does not take the few jobs that workers back from a stall start for a capacity', () => {
    // The workers are away for 1.5 s with three orders waiting, then start them and keep up with light traffic.
    const admission = createAdmission({ maxWaitMs: 1_000 });
    for (let ms = 0; ms <= 1_500; ms += 100) admission.observe({ backlog: 3, takenUp: 0, oldestQueuedMs: ms }, ms);
    admission.observe({ backlog: 1, takenUp: 3, oldestQueuedMs: 0 }, 1_600);
    for (let ms = 1_700; ms <= 3_000; ms += 100) admission.observe({ backlog: 1, takenUp: 3 + (ms - 1_600) / 200, oldestQueuedMs: 0 }, ms);
    expect(admission.state(3_000).capacityPerSecond).toBe(0);
    for (let i = 0; i < 30; i++) expect(admission.refuse(10_000, 3_000)).toBeNull();
  });

  it('follows a lower drain while the workers stay behind (a worker lost), holds no single clump, and rises to a higher drain while they keep up', () => {
    const admission = draining(2_000);
    let takenUp = 12_000;
    // Ten seconds behind at half the rate (1 a ms), in clumps: 700 orders every 700 ms, so a 2 s
    // window holds two clumps or three (0.7 to 1.05 a ms). The capacity settles near the mean and
    // no single window's drain is held.
    const seen: number[] = [];
    for (let ms = 1_100; ms <= 11_000; ms += 100) {
      admission.observe({ backlog: 2_000, takenUp: (takenUp += ms % 700 === 0 ? 700 : 0), oldestQueuedMs: 500 }, ms);
      if (ms > 8_000) seen.push(admission.state(ms).capacityPerSecond);
    }
    expect(Math.max(...seen) - Math.min(...seen)).toBeLessThan(150);
    const lowered = admission.state(11_000).capacityPerSecond;
    expect(lowered).toBeGreaterThan(900);
    expect(lowered).toBeLessThan(1_100);
    // Keeping up at 3 a ms (nothing waiting long) with nothing refused: the capacity held turns no
    // order away, so it stays where it was (a little up, from the overlap with the readings behind).
    let kept = 0;
    for (let ms = 11_100; ms <= 16_000; ms += 100) {
      admission.observe({ backlog: 50, takenUp: (takenUp += 300), oldestQueuedMs: 0 }, ms);
      if (ms === 13_100) kept = admission.state(ms).capacityPerSecond;
    }
    expect(kept).toBeLessThan(1_500);
    expect(admission.state(16_000).capacityPerSecond).toBe(kept);
    // Still draining 3 a ms, but with a backlog the capacity held calls 1.5 s and more: submits are
    // refused on it while no job waits. The workers drained that much for 5 s, so they can: the
    // capacity rises toward it, smoothed.
    for (let ms = 16_100; ms <= 26_000; ms += 100) {
      admission.observe({ backlog: 4_000, takenUp: (takenUp += 300), oldestQueuedMs: 0 }, ms);
      admission.refuse(10_000, ms);
    }
    expect(admission.state(26_000).capacityPerSecond).toBeGreaterThan(2_900);
    expect(admission.state(26_000).capacityPerSecond).toBeLessThanOrEqual(3_000);
    // Then keeping up with less (1 a ms offered): only what was offered, not the capacity; it is kept.
    const raised = admission.state(26_000).capacityPerSecond;
    for (let ms = 26_100; ms <= 30_000; ms += 100) admission.observe({ backlog: 50, takenUp: (takenUp += 100), oldestQueuedMs: 0 }, ms);
    expect(admission.state(30_000).capacityPerSecond).toBe(raised);
  });

  it('does not raise the capacity on the workers\' clumps or a late report while they keep up', () => {
    const admission = draining(0); // a capacity of 2 a ms, measured behind
    let takenUp = 12_000;
    // Keeping up at 2 a ms in 400 ms clumps, with a report 2 s late then caught up, and refusing
    // nothing (the backlog small): the capacity does not creep up. (It moves a little first, from
    // the window's overlap with the readings behind.)
    let settled = 0;
    for (let ms = 1_100; ms <= 20_000; ms += 100) {
      const late = ms > 5_000 && ms <= 7_000;
      if (ms % 400 === 0 && !late) takenUp += ms === 7_200 ? 800 + 4_000 : 800;
      admission.observe({ backlog: 200, takenUp, oldestQueuedMs: 0 }, ms);
      expect(admission.refuse(10_000, ms)).toBeNull();
      if (ms === 3_200) settled = admission.state(ms).capacityPerSecond;
    }
    expect(settled).toBeLessThan(2_100);
    expect(admission.state(20_000).capacityPerSecond).toBe(settled);
  });

  it('takes orders before any drain was seen, starts the window again when the counter goes back, and never refuses when off', () => {
    const fresh = createAdmission({ maxWaitMs: 1_000 });
    fresh.observe({ backlog: 500, takenUp: 0, oldestQueuedMs: 0 }, 0);
    expect(fresh.refuse(10_000, 0)).toBeNull();
    const reset = draining(0);
    reset.observe({ backlog: 0, takenUp: 5, oldestQueuedMs: 0 }, 1_100); // Redis lost the counter
    expect(reset.state(1_100).drainPerSecond).toBe(0);
    const off = createAdmission({ maxWaitMs: 0 });
    off.observe({ backlog: 1e9, takenUp: 0, oldestQueuedMs: 60_000 }, 0);
    expect(off.refuse(1_000, 0)).toBeNull();
  });
});

describe('the overload guard', () => {
  let guard: OverloadGuard | undefined;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    guard?.close();
    vi.useRealTimers();
  });

  /** A guard reading every 100 ms a queue whose workers are behind with 40,000 orders (2 s at 20 a ms), until `down` is set. */
  function behindGuard(state: { down?: 'throws' | 'null' }) {
    let takenUp = 0;
    return startOverloadGuard({
      read: async () => {
        if (state.down === 'throws') throw new Error('redis down');
        if (state.down === 'null') return null;
        return { backlog: 40_000, takenUp: (takenUp += 2_000), oldestQueuedMs: BEHIND_AT_MS };
      },
      maxWaitMs: 1_000,
      log,
      now: () => Date.now(),
    });
  }

  it('reads the queue every 100 ms and refuses past the bound', async () => {
    guard = behindGuard({});
    await vi.advanceTimersByTimeAsync(1_500);
    expect(guard.state().drainPerSecond).toBe(20_000);
    expect(guard.refuse(10_000)).toBe(1_000);
  });

  it('stops refusing as soon as the queue cannot be read, and judges on a fresh window once it can', async () => {
    for (const down of ['throws', 'null'] as const) {
      const state: { down?: 'throws' | 'null' } = {};
      guard = behindGuard(state);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(guard.refuse(10_000)).not.toBeNull();
      state.down = down;
      await vi.advanceTimersByTimeAsync(200);
      expect(guard.refuse(1_000)).toBeNull();
      expect(guard.state().drainPerSecond).toBe(0);
      // Back: the drain is measured over readings since, not over a window spanning the gap.
      state.down = undefined;
      await vi.advanceTimersByTimeAsync(500);
      expect(guard.state().drainPerSecond).toBe(20_000);
      guard.close();
    }
  });
});
