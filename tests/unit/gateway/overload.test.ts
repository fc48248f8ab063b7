import { afterEach, describe, expect, it } from 'vitest';
import { startOverloadGuard, type OverloadGuard } from '../../../src/gateway/overload.js';

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => log } as never;
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the overload guard', () => {
  let guard: OverloadGuard | undefined;
  afterEach(() => guard?.close());

  it('takes orders while the start wait is within half their deadline and the cap, and refuses beyond with a retryAfterMs', async () => {
    let wait = 400;
    guard = startOverloadGuard({ startWaitMs: async () => wait, maxWaitMs: 1_000, log, everyMs: 60_000 });
    await settle();
    expect(guard.refuse(10_000)).toBeNull();
    expect(guard.refuse(600)).toBe(250); // 400 ms is past half of 600 ms: refused, retry after at least 250 ms
    wait = 3_000;
    guard.close();
    guard = startOverloadGuard({ startWaitMs: async () => wait, maxWaitMs: 1_000, log, everyMs: 60_000 });
    await settle();
    expect(guard.refuse(10_000)).toBe(2_000); // the cap (1 s) applies, whatever the deadline
  });

  it('paces its intake once the wait passes a quarter of the cap, refusing the submits beyond the pace, still within the bound', async () => {
    let clock = 0;
    let wait = 100;
    let failing = false;
    const startWaitMs = async () => (failing ? Promise.reject(new Error('redis down')) : wait);
    guard = startOverloadGuard({ startWaitMs, maxWaitMs: 1_000, log, everyMs: 5, now: () => clock });
    await settle();
    for (let i = 0; i < 1_000; i++) {
      clock += 1;
      expect(guard.refuse(10_000)).toBeNull(); // 1,000/s, below the quarter: all taken
    }
    wait = 400; // past 250 ms, within the 1 s bound
    await settle();
    expect(guard.pace).toBeLessThan(1_000);
    let refused = 0;
    for (let i = 0; i < 1_000; i++) {
      clock += 0.5; // offered at 2,000/s
      const retryAfterMs = guard.refuse(10_000);
      if (retryAfterMs !== null) {
        expect(retryAfterMs).toBe(250);
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(400);
    expect(refused).toBeLessThan(700);
    // The wait can no longer be measured: nothing is refused for overload meanwhile, paced or not.
    failing = true;
    await settle();
    expect(guard.pace).toBe(Infinity);
    expect(guard.refuse(10_000)).toBeNull();
  });

  it('never refuses when admission control is off, or while the wait cannot be measured', async () => {
    guard = startOverloadGuard({ startWaitMs: async () => 30_000, maxWaitMs: 0, log, everyMs: 60_000 });
    await settle();
    expect(guard.refuse(1_000)).toBeNull();
    guard.close();
    guard = startOverloadGuard({ startWaitMs: async () => Promise.reject(new Error('redis down')), maxWaitMs: 1_000, log, everyMs: 60_000 });
    await settle();
    expect(guard.refuse(1_000)).toBeNull();
  });
});
