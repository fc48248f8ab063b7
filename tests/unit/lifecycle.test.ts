import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_STEP_MS, closeStep, runShutdown, type ShutdownStep } from '../../src/lifecycle.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('silent');

describe('the shutdown plan', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('runs the steps in order, giving each what the budget has left minus the later steps’ reserves', async () => {
    const seen: Array<[string, number]> = [];
    const step = (name: string, limits: { reserveMs?: number; maxMs?: number } = {}): ShutdownStep => ({ name, ...limits, run: (ms) => void seen.push([name, ms]) });
    await runShutdown(
      [step('stop intake'), step('drain'), step('close sockets'), closeStepNamed('close redis', seen), step('stop embedded services', { reserveMs: 2_000 })],
      10_000,
      log,
    );
    expect(seen).toEqual([
      ['stop intake', 10_000 - CLOSE_STEP_MS - 2_000],
      ['drain', 10_000 - CLOSE_STEP_MS - 2_000],
      ['close sockets', 10_000 - CLOSE_STEP_MS - 2_000],
      ['close redis', CLOSE_STEP_MS],
      ['stop embedded services', 10_000], // the last step may take all that is left
    ]);
  });

  it('abandons a step that overruns its time, and still runs every later step within its reserve', async () => {
    const ran: string[] = [];
    const done = runShutdown(
      [
        { name: 'drain', run: () => new Promise(() => undefined) }, // hangs, as worker.close() does while Redis is down
        { name: 'close redis', reserveMs: 1_000, run: () => void ran.push('close redis') },
      ],
      5_000,
      log,
    );
    await vi.advanceTimersByTimeAsync(3_999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(ran).toEqual(['close redis']);
  });

  it('goes on after a step that throws or rejects', async () => {
    const ran: string[] = [];
    await runShutdown(
      [
        { name: 'throws', run: () => { throw new Error('boom'); } },
        { name: 'rejects', run: () => Promise.reject(new Error('no')) },
        { name: 'last', run: () => void ran.push('last') },
      ],
      1_000,
      log,
    );
    expect(ran).toEqual(['last']);
  });

  it('keeps at least half of a short budget for the drain, scaling the later reserves down alike', async () => {
    const seen: Array<[string, number]> = [];
    const step = (name: string, reserveMs?: number): ShutdownStep => ({ name, ...(reserveMs !== undefined && { reserveMs }), run: (ms) => void seen.push([name, ms]) });
    await runShutdown([step('drain'), step('close', 1_000), step('stop services', 3_000)], 2_000, log);
    expect(seen).toEqual([
      ['drain', 1_000],
      ['close', 1_250], // the drain took no time: the budget minus the last step's scaled reserve (750)
      ['stop services', 2_000],
    ]);
  });

  it('caps a close step at CLOSE_STEP_MS even when the budget has more', async () => {
    const seen: Array<[string, number]> = [];
    await runShutdown([closeStepNamed('close', seen)], 60_000, log);
    expect(seen).toEqual([['close', CLOSE_STEP_MS]]);
  });
});


function closeStepNamed(name: string, seen: Array<[string, number]>): ShutdownStep {
  return closeStep(name, (ms) => void seen.push([name, ms]));
}
