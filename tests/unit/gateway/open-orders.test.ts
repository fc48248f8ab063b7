import { afterEach, describe, expect, it } from 'vitest';
import { startOpenOrders, type OpenOrdersOptions } from '../../../src/gateway/open-orders.js';
import { createLogger } from '../../../src/log.js';

const log = createLogger('silent');
const started: Array<{ close(): void }> = [];
afterEach(() => started.splice(0).forEach((open) => open.close()));

function openOrders(options: Partial<OpenOrdersOptions> & { maxPerAccount: number }) {
  const open = startOpenOrders({ finishedAmong: async () => [], log, ...options });
  started.push(open);
  return open;
}

describe('open orders per account', () => {
  it('refuses a slot at the cap, frees it when the order ends or the submit is refused, and counts accounts apart', () => {
    const open = openOrders({ maxPerAccount: 2 });
    const first = open.acquire('a')!;
    first.bind('o1');
    const second = open.acquire('a')!;
    expect(open.acquire('a')).toBeNull();
    expect(open.acquire('b')).not.toBeNull();
    second.release(); // refused before it was stored
    const third = open.acquire('a')!;
    third.bind('o3');
    expect(open.acquire('a')).toBeNull();
    open.finished('o1');
    expect(open.count('a')).toBe(1);
    open.finished('o1'); // a second terminal event frees nothing more
    first.release(); // nor does releasing a slot whose order already ended
    expect(open.count('a')).toBe(1);
    open.finished('unknown'); // another gateway's order
    expect(open.acquire('a')).not.toBeNull();
  });

  it('frees a bound slot when its submit is refused after the order was stored, once', () => {
    const open = openOrders({ maxPerAccount: 1 });
    const slot = open.acquire('a')!;
    slot.bind('o1');
    slot.release(); // e.g. the queue refused it
    slot.release();
    expect(open.count('a')).toBe(0);
    open.finished('o1'); // its failed event arrives later
    expect(open.count('a')).toBe(0);
    expect(open.acquire('a')).not.toBeNull();
  });

  it('asks the store about slots held past the reconcile age and frees the ones whose order ended unseen', async () => {
    let now = 0;
    const asked: string[][] = [];
    const open = openOrders({
      maxPerAccount: 5,
      reconcileAfterMs: 30_000,
      now: () => now,
      finishedAmong: async (ids) => {
        asked.push([...ids]);
        return ids.filter((id) => id === 'old-ended');
      },
    });
    open.acquire('a')!.bind('old-ended');
    open.acquire('a')!.bind('old-live');
    now = 20_000;
    open.acquire('a')!.bind('young');
    now = 40_000;
    await open.reconcile();
    expect(asked).toEqual([['old-ended', 'old-live']]);
    expect(open.count('a')).toBe(2);
  });
});

describe('open orders following the event bus', () => {
  it('frees a slot on its order’s terminal event only', () => {
    const open = startOpenOrders({ maxPerAccount: 1, finishedAmong: async () => [], log: createLogger('silent') });
    open.acquire('a')!.bind('o1');
    open.observe({ orderId: 'o1', status: 'submitted' });
    expect(open.count('a')).toBe(1);
    open.observe({ orderId: 'o1', status: 'confirmed' });
    expect(open.count('a')).toBe(0);
    open.close();
  });
});
