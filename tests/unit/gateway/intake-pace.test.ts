import { describe, expect, it } from 'vitest';
import { CALM_MS, MIN_PACE_PER_S, PACE_DECREASE, createIntakePace } from '../../../src/gateway/intake-pace.js';

/** A pace on a clock the test moves, with a way to offer it submits at a steady rate. */
function paced() {
  let clock = 1_000_000;
  const pace = createIntakePace(() => clock);
  return {
    pace,
    advance: (ms: number) => (clock += ms),
    /** Offers `perSecond` submits a second for `ms`; how many it let through. */
    offer(perSecond: number, ms: number): number {
      let taken = 0;
      const count = Math.round((perSecond * ms) / 1000);
      for (let i = 0; i < count; i++) {
        clock += ms / count;
        if (pace.take()) taken += 1;
      }
      return taken;
    },
  };
}

describe('the intake pace', () => {
  it('lets everything through while the wait is within its target, however bursty', () => {
    const { pace, offer } = paced();
    pace.observe(200, 250);
    expect(offer(100_000, 100)).toBe(10_000);
    expect(pace.pace).toBe(Infinity);
  });

  it('past the target, paces at a tenth below what it took over the last second, and refuses the rest', () => {
    const { pace, offer } = paced();
    expect(offer(1_000, 1_000)).toBe(1_000);
    pace.observe(300, 250);
    expect(pace.pace).toBeCloseTo(1_000 * PACE_DECREASE, -1);
    const taken = offer(2_000, 1_000);
    expect(taken).toBeGreaterThan(pace.pace * 0.95);
    expect(taken).toBeLessThanOrEqual(pace.pace * 1.1); // the pace and at most a tenth of a second saved up
  });

  it('cuts again only once a wait has passed since the last cut, and only while the wait still grows', () => {
    const { pace, offer, advance } = paced();
    offer(1_000, 1_000);
    pace.observe(300, 250);
    const first = pace.pace;
    advance(100);
    pace.observe(400, 250); // too soon after the cut to tell
    expect(pace.pace).toBe(first);
    advance(600);
    pace.observe(280, 250); // still past the target, but shrinking: the cut is working
    expect(pace.pace).toBe(first);
    advance(600);
    pace.observe(900, 250); // a wait later, and growing: cut again
    expect(pace.pace).toBeCloseTo(first * PACE_DECREASE, 6);
  });

  it('grows back while the wait is within the target, and ends after it has stayed well below for a while', () => {
    const { pace, offer } = paced();
    offer(1_000, 1_000);
    pace.observe(300, 250);
    const cut = pace.pace;
    offer(2_000, 100);
    pace.observe(100, 250);
    expect(pace.pace).toBeGreaterThan(cut);
    expect(pace.pace).toBeLessThanOrEqual(cut + Math.max(10, cut * 0.01));
    // Within a quarter of the target for CALM_MS: no pacing any more.
    for (let waited = 0; waited <= CALM_MS; waited += 100) {
      offer(1_000, 100);
      pace.observe(20, 250);
    }
    expect(pace.pace).toBe(Infinity);
    expect(offer(50_000, 100)).toBe(5_000);
  });

  it('leaves a gateway that takes next to nothing unpaced, and never paces below its floor', () => {
    const idle = paced();
    idle.offer(5, 1_000);
    idle.pace.observe(5_000, 250);
    expect(idle.pace.pace).toBe(Infinity);

    const { pace, offer, advance } = paced();
    offer(MIN_PACE_PER_S * 2, 1_000);
    pace.observe(5_000, 250);
    for (let i = 0; i < 20; i++) {
      advance(6_000);
      pace.observe(5_000 + i, 250); // a wait that keeps growing, cut after cut
    }
    expect(pace.pace).toBe(MIN_PACE_PER_S);
    advance(1_000);
    const taken = offer(1_000, 1_000);
    expect(taken).toBeGreaterThanOrEqual(MIN_PACE_PER_S - 1);
    expect(taken).toBeLessThanOrEqual(MIN_PACE_PER_S + 3); // the pace and its tenth of a second saved up
  });

  it('cuts again when the wait passes its target anew after it had come back within it', () => {
    const { pace, offer, advance } = paced();
    offer(1_000, 1_000);
    pace.observe(1_500, 250); // a spike
    const first = pace.pace;
    advance(2_000);
    pace.observe(150, 250); // back within the target (but not calm)
    offer(1_000, 1_000);
    pace.observe(600, 250); // a new congestion, below the spike's wait: still a cut
    expect(pace.pace).toBeLessThan(first);
  });

  it('keeps its pace through a lull in the submits', () => {
    const { pace, offer, advance } = paced();
    offer(1_000, 1_000);
    pace.observe(300, 250);
    const cut = pace.pace;
    for (let i = 0; i < 10; i++) {
      advance(100); // a second with no submit at all, the wait within the target but not calm
      pace.observe(200, 250);
    }
    expect(pace.pace).toBeGreaterThanOrEqual(cut);
  });
});
