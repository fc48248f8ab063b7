import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTakenUpReport } from '../../../src/orders/taken-up-report.js';

const log = { debug: () => undefined };

/** A send whose calls the test settles by hand. */
function manualSend() {
  const calls: { count: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  const send = (count: number) => new Promise<void>((resolve, reject) => calls.push({ count, resolve, reject }));
  return { calls, send };
}

describe('the taken-up report', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('sends what was taken up since the last report, one report at a time', async () => {
    const { calls, send } = manualSend();
    const report = startTakenUpReport({ send, everyMs: 100, log });
    report.add();
    report.add();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.count)).toEqual([2]);
    report.add();
    await vi.advanceTimersByTimeAsync(300); // the first is still in flight: no second report
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.count)).toEqual([2, 1]);
    calls[1]!.resolve();
    await report.flush();
  });

  it('gives a failed report back to the next one', async () => {
    const { calls, send } = manualSend();
    const report = startTakenUpReport({ send, everyMs: 100, log });
    report.add(3);
    await vi.advanceTimersByTimeAsync(100);
    report.add();
    calls[0]!.reject(new Error('Redis is down'));
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.count)).toEqual([3, 4]);
    calls[1]!.resolve();
    await report.flush();
    expect(report.pending()).toBe(0);
  });

  it('at shutdown, waits for the report in flight and sends what it gave back with the rest', async () => {
    const { calls, send } = manualSend();
    const report = startTakenUpReport({ send, everyMs: 100, log });
    report.add(5);
    await vi.advanceTimersByTimeAsync(100);
    report.add(2);
    const flushed = report.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1); // the flush waits for the report in flight
    calls[0]!.reject(new Error('connection reset'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.count)).toEqual([5, 7]);
    calls[1]!.resolve();
    await flushed;
    expect(report.pending()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000); // the timer is stopped
    expect(calls).toHaveLength(2);
  });
});
