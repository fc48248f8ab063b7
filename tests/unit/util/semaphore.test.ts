import { describe, expect, it } from 'vitest';
import { createSemaphore } from '../../../src/util/semaphore.js';

describe('createSemaphore', () => {
  it('runs at most `limit` tasks at once, starts waiting ones in order, and frees a slot when a task throws', async () => {
    const slots = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const settled = Promise.allSettled([0, 1, 2, 3, 4].map((i) =>
      slots.run(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        if (i === 1) throw new Error('boom');
        return i;
      }),
    ));
    while (started.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    releases.forEach((release) => release());
    const results = await settled;
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(slots.running).toBe(0);
  });
});
