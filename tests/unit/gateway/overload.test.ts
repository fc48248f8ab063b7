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
