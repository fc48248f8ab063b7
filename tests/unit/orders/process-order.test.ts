import { describe, expect, it } from 'vitest';
import { createOrderTimings } from '../../../src/orders/order-timings.js';
import { observedStore } from '../../../src/orders/observed-store.js';
import { createProcessOrder } from '../../../src/orders/process-order.js';
import { canTransition } from '../../../src/orders/status.js';
import { first, harness, statuses } from './process-order-harness.js';

/** The harness's store, recording the statuses each status write carries (a passed-through one first). */
function recordingWrites(h: ReturnType<typeof harness>) {
  const writes: string[][] = [];
  const store: typeof h.store = {
    ...h.store,
    transition: async (...args) => {
      writes.push([...(args[4]?.via ? [args[4].via.status] : []), args[3].status]);
      return h.store.transition(...args);
    },
  };
  return { store, writes };
}

describe('market order deadlines', () => {
  it('expires an order taken up after its deadline with DEADLINE_EXCEEDED, without routing or sending anything', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', 500);
    h.clock.advance(501); // it waited in the queue longer than its deadline
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'expired', failureCode: 'DEADLINE_EXCEEDED' });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'expired']);
    expect(h.published.at(-1)).toMatchObject({ status: 'expired', error: { code: 'DEADLINE_EXCEEDED' } });
    expect(h.counts()).toEqual({ fills: 0, sends: 0 });
    expect(h.records.size).toBe(0);
  });

  it('expires an order whose deadline passes while it is routed, before its transaction is ever sent', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', 1_000);
    // Routing takes longer than the deadline (a slow quote): the signed transaction is never sent.
    h.deps.route = ((route) => async (...args: Parameters<typeof route>) => {
      h.clock.advance(1_500);
      return route(...args);
    })(h.deps.route);
    const order = await createProcessOrder(h.deps)(id, first);
    expect(order.status).toBe('expired');
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'expired']);
    expect(h.counts().sends).toBe(0);
    expect(h.records.size).toBe(0);
  });

  it('executes an order in time as before', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', 100);
    expect((await h.process(id, first)).status).toBe('confirmed');
  });
});

describe('processOrder', () => {
  it('takes an order through routing, building, submitted to confirmed, publishing each stored event in seq order', async () => {
    const h = harness();
    const id = await h.newOrder();
    const order = await h.process(id, first);
    expect(order.status).toBe('confirmed');
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    expect(h.published).toEqual(h.events.get(id)!.slice(1));
    expect(h.published.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    const stored = h.events.get(id)!;
    for (let i = 1; i < stored.length; i += 1) expect(canTransition(stored[i - 1]!.status, stored[i]!.status)).toBe(true);
    expect(h.counts().fills).toBe(1);
    expect(order.executedPrice).toMatch(/^\d+\.\d+$/);
  });

  it('writes a market order three times: routing and building together, then submitted, then confirmed', async () => {
    const h = harness();
    const id = await h.newOrder();
    const { store, writes } = recordingWrites(h);
    const counting = createProcessOrder({ ...h.deps, store });
    expect((await counting(id, { number: 2, max: 3 })).status).toBe('confirmed');
    expect(writes).toEqual([['routing', 'building'], ['submitted'], ['confirmed']]);
    expect(h.orders.get(id)!.attempts).toBe(2); // recorded by the first write
    expect(h.published.map((e) => [e.seq, e.status])).toEqual([[2, 'routing'], [3, 'building'], [4, 'submitted'], [5, 'confirmed']]);
  });

  it('shows an order routing on its own while slow quotes are out, then writes its route', async () => {
    const h = harness();
    const id = await h.newOrder();
    const { store, writes } = recordingWrites(h);
    const slow = createProcessOrder({
      ...h.deps,
      // The quotes come back after a real timer: well after the short wait for quick ones.
      route: (pair, side, amount) => new Promise((resolve) => setTimeout(resolve, 5)).then(() => h.deps.route(pair, side, amount)),
      store,
    });
    expect((await slow(id, first)).status).toBe('confirmed');
    expect(writes).toEqual([['routing'], ['building'], ['submitted'], ['confirmed']]);
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    expect(h.orders.get(id)!.attempts).toBe(1);
  });

  it('leaves an order cancelled between its take-up read and its first write alone: no route, no send', async () => {
    const h = harness();
    const id = await h.newOrder();
    const racing = createProcessOrder({
      ...h.deps,
      store: {
        ...h.store,
        // The client's cancel lands right after the worker read the order (its first write carries routing).
        startAttempt: async (...args) => {
          const order = await h.store.startAttempt(...args);
          await h.store.cancel(id, { type: 'order', orderId: id, status: 'cancelled', reason: 'by the client', ts: h.clock.now() });
          return order;
        },
      },
    });
    expect((await racing(id, first)).status).toBe('cancelled');
    expect(statuses(h, id)).toEqual(['pending', 'cancelled']);
    expect(h.counts()).toEqual({ fills: 0, sends: 0 });
    expect(h.orders.get(id)!.txHash).toBeNull();
  });

  it('writes the routing event with the end of a pending order that cannot be routed', async () => {
    const h = harness();
    const id = await h.newOrder('100000000');
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'failed', failureCode: 'INSUFFICIENT_LIQUIDITY', attempts: 1 });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'failed']);
  });

  it('does nothing when a finished order is delivered again', async () => {
    const h = harness();
    const id = await h.newOrder();
    await h.process(id, first);
    const before = h.events.get(id)!.length;
    await h.process(id, { number: 1, max: 3 });
    expect(h.events.get(id)!.length).toBe(before);
    expect(h.counts()).toEqual({ fills: 1, sends: 1 });
  });

  it('executes once when two deliveries of the same job run at the same time', async () => {
    const h = harness();
    const id = await h.newOrder();
    const [a, b] = await Promise.all([h.process(id, first), h.process(id, first)]);
    expect(a.status).toBe('confirmed');
    expect(b.status).toBe('confirmed');
    expect(h.records.size).toBe(1);
    expect(h.counts().fills).toBe(1);
    const seqs = h.events.get(id)!.map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails with INSUFFICIENT_LIQUIDITY when no venue can fill the size', async () => {
    const h = harness();
    const id = await h.newOrder('100000000');
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'failed', failureCode: 'INSUFFICIENT_LIQUIDITY' });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'failed']);
    expect(h.counts().sends).toBe(0);
  });
});

describe('timings of what the store commits (the metrics)', () => {
  function timed(h: ReturnType<typeof harness>) {
    const recorded = { steps: [] as Array<[string, number]>, finished: [] as Array<[string, string, number, string | undefined]>, slippage: [] as Array<[string, number]> };
    const timings = createOrderTimings({
      step: (step, seconds) => recorded.steps.push([step, seconds]),
      finished: (status, _type, dex, seconds, code) => recorded.finished.push([status, dex, seconds, code]),
      slippage: (dex, bps) => recorded.slippage.push([dex, bps]),
    });
    return { recorded, timings, process: createProcessOrder({ ...h.deps, store: observedStore(h.deps.store, timings.moved) }) };
  }

  it('times each step of a confirmed order, its time from ack to end, and its fill against the quote it was routed on', async () => {
    const h = harness();
    const { recorded, timings, process } = timed(h);
    const id = await h.newOrder('2');
    h.clock.advance(300); // queued
    const order = await process(id, first);
    expect(order.status).toBe('confirmed');
    expect(recorded.steps.map(([step]) => step)).toEqual(['pending', 'routing', 'building', 'submitted']);
    expect(recorded.steps[0]![1]).toBeCloseTo(0.3, 3);
    // The landing takes 1.5 s of the virtual clock, and a slot more to be seen.
    expect(recorded.steps[3]![1]).toBeGreaterThanOrEqual(1.5);
    const [status, dex, seconds, code] = recorded.finished[0]!;
    expect([status, dex, code]).toEqual(['confirmed', order.dex, undefined]);
    expect(seconds).toBeCloseTo((h.published.at(-1)!.ts - order.createdAt) / 1000, 3);
    expect(recorded.slippage).toHaveLength(1);
    expect(recorded.slippage[0]![0]).toBe(order.dex);
    expect(Number.isFinite(recorded.slippage[0]![1])).toBe(true);
    expect(timings.following).toBe(0); // nothing is kept once the order ended
  });

  it('counts an order that expired in the queue as ended, with no venue and its error code', async () => {
    const h = harness();
    const { recorded, process } = timed(h);
    const id = await h.newOrder('2', 'buy', 500);
    h.clock.advance(501);
    expect((await process(id, first)).status).toBe('expired');
    expect(recorded.finished).toEqual([['expired', 'none', expect.closeTo(0.501, 3), 'DEADLINE_EXCEEDED']]);
    expect(recorded.slippage).toEqual([]);
  });
});
