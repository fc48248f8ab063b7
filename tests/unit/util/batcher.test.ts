import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../../../src/util/batcher.js';

/**
 * Resolves once the batcher has had a turn: an immediate it set before or just after this call has
 * run (a settled batch reschedules a microtask or two after its callers resume).
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** A `run` that records each batch and holds it until the test settles it. */
function heldRun<I, O>(answer: (item: I) => O) {
  const batches: I[][] = [];
  const pending: Array<{ succeed(): void; fail(err: unknown): void }> = [];
  let running = 0;
  let peak = 0;
  const run = (items: readonly I[]) =>
    new Promise<O[]>((resolve, reject) => {
      batches.push([...items]);
      running += 1;
      peak = Math.max(peak, running);
      const done = () => (running -= 1);
      pending.push({
        succeed: () => (done(), resolve(items.map(answer))),
        fail: (err) => (done(), reject(err)),
      });
    });
  return {
    run,
    batches,
    get peak() {
      return peak;
    },
    /** Settles the oldest batch still held. */
    succeedNext: () => pending.shift()!.succeed(),
    failNext: (err: unknown) => pending.shift()!.fail(err),
  };
}

describe('createBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the calls made in one turn of the event loop as one batch and gives each caller the result at its position', async () => {
    const batches: number[][] = [];
    const call = createBatcher<number, string>({ run: async (items) => (batches.push([...items]), items.map((n) => `r${n}`)) });
    const results = await Promise.all([call(1), call(2), call(3)]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results).toEqual(['r1', 'r2', 'r3']);
  });

  it('sends a lone call at once, on its own, when nothing else is pending', async () => {
    const batches: number[][] = [];
    const call = createBatcher<number, number>({ run: async (items) => (batches.push([...items]), items.map((n) => n * 10)) });
    expect(await call(1)).toBe(10);
    expect(await call(2)).toBe(20);
    expect(batches).toEqual([[1], [2]]);
  });

  it('keeps two items with the same key out of one batch: the later one goes in a later batch', async () => {
    const batches: string[][] = [];
    const call = createBatcher<{ key: string; n: number }, string>({
      keyOf: (item) => item.key,
      run: async (items) => (batches.push(items.map((item) => `${item.key}${item.n}`)), items.map((item) => `${item.key}${item.n}`)),
    });
    const results = await Promise.all([call({ key: 'a', n: 1 }), call({ key: 'b', n: 1 }), call({ key: 'a', n: 2 }), call({ key: 'c', n: 1 }), call({ key: 'a', n: 3 })]);
    expect(results).toEqual(['a1', 'b1', 'a2', 'c1', 'a3']);
    expect(batches).toEqual([['a1', 'b1', 'c1'], ['a2'], ['a3']]);
  });

  it('rejects every item of a batch whose run fails with that error, and the next batch still works', async () => {
    const held = heldRun<number, number>((n) => n);
    const call = createBatcher<number, number>({ run: held.run, maxInFlight: 1 });
    const doomed = [call(1), call(2)].map((promise) => promise.then(() => 'resolved', (err: unknown) => err));
    await nextTurn();
    // Issued while the first batch is out: they form the next one.
    const later = [call(3), call(4)];
    const boom = new Error('boom');
    held.failNext(boom);
    expect(await Promise.all(doomed)).toEqual([boom, boom]);
    await nextTurn();
    held.succeedNext();
    expect(await Promise.all(later)).toEqual([3, 4]);
    expect(held.batches).toEqual([[1, 2], [3, 4]]);
    const after = call(5);
    await nextTurn();
    held.succeedNext();
    expect(await after).toBe(5);
  });

  it('splits what is pending into batches of at most maxSize, in call order', async () => {
    const batches: number[][] = [];
    const call = createBatcher<number, number>({ maxSize: 2, run: async (items) => (batches.push([...items]), items.map((n) => -n)) });
    expect(await Promise.all([1, 2, 3, 4, 5].map(call))).toEqual([-1, -2, -3, -4, -5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('has at most maxInFlight batches running; calls made meanwhile gather and go together when a slot frees', async () => {
    const held = heldRun<number, number>((n) => n);
    const call = createBatcher<number, number>({ run: held.run, maxInFlight: 2 });
    const results = [call(1)];
    await nextTurn();
    results.push(call(2));
    await nextTurn();
    results.push(call(3), call(4));
    await nextTurn();
    expect(held.batches).toEqual([[1], [2]]);
    held.succeedNext();
    await results[0];
    await nextTurn();
    expect(held.batches).toEqual([[1], [2], [3, 4]]);
    held.succeedNext();
    held.succeedNext();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
    expect(held.peak).toBe(2);
  });

  it('defaults to two batches in flight', async () => {
    const held = heldRun<number, number>((n) => n);
    const call = createBatcher<number, number>({ run: held.run });
    const results: Array<Promise<number>> = [];
    for (const n of [1, 2, 3]) {
      results.push(call(n));
      await nextTurn();
    }
    expect(held.batches).toEqual([[1], [2]]);
    held.succeedNext();
    await nextTurn();
    expect(held.batches).toEqual([[1], [2], [3]]);
    held.succeedNext();
    held.succeedNext();
    expect(await Promise.all(results)).toEqual([1, 2, 3]);
  });

  it('with lingerMs, keeps gathering calls for that long before sending them as one batch', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const batches: number[][] = [];
    const call = createBatcher<number, number>({ lingerMs: 100, run: async (items) => (batches.push([...items]), [...items]) });
    const first = call(1);
    await vi.advanceTimersByTimeAsync(60);
    const second = call(2);
    await nextTurn();
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(40);
    expect(batches).toEqual([[1, 2]]);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
  });

  it('with lingerMs, sends a batch that is already full when a slot frees without lingering', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const held = heldRun<number, number>((n) => n);
    const call = createBatcher<number, number>({ run: held.run, lingerMs: 1_000, maxSize: 2, maxInFlight: 1 });
    const results = [call(1)];
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.batches).toEqual([[1]]);
    results.push(call(2), call(3), call(4));
    held.succeedNext();
    await results[0];
    await nextTurn();
    // No fake time has passed: the full batch went out at once, the remainder lingers.
    expect(held.batches).toEqual([[1], [2, 3]]);
    held.succeedNext();
    await results[2];
    await nextTurn();
    expect(held.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.batches).toEqual([[1], [2, 3], [4]]);
    held.succeedNext();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
  });
});
