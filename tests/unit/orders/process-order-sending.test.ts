import { describe, expect, it } from 'vitest';
import { createProcessOrder } from '../../../src/orders/process-order.js';
import { TransientSendError } from '../../helpers/simulated-chain.js';
import { afterMoveTo, first, harness, statuses } from './process-order-harness.js';

describe('processOrder', () => {
  it('re-sends the saved signature, not a new transaction, after a crash between signing and sending', async () => {
    const h = harness();
    const id = await h.newOrder();
    const crashing = createProcessOrder({
      ...h.deps,
      // Dies right after the route and its signed transaction are saved, before anything is sent.
      store: afterMoveTo(h, 'building', () => {
        throw new Error('worker killed');
      }),
    });
    await expect(crashing(id, first)).rejects.toThrow('worker killed');
    const signed = h.orders.get(id)!.txHash;
    expect(signed).not.toBeNull();
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'confirmed', txHash: signed });
    expect([...h.records.keys()]).toEqual([signed]);
    expect(h.counts().fills).toBe(1);
  });

  it('finds a transaction that was sent just before a crash and confirms it without sending another', async () => {
    const h = harness();
    const id = await h.newOrder();
    const crashing = createProcessOrder({
      ...h.deps,
      chain: {
        ...h.deps.chain,
        send: async (...args) => {
          await h.deps.chain.send(...args);
          throw new Error('worker killed');
        },
      },
    });
    await expect(crashing(id, first)).rejects.toThrow('worker killed');
    expect(h.orders.get(id)!.status).toBe('building');
    const order = await h.process(id, first);
    expect(order.status).toBe('confirmed');
    expect(h.records.size).toBe(1);
    expect(h.counts()).toEqual({ fills: 1, sends: 1 });
    expect(statuses(h, id)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
  });

  it('builds a new transaction when the unsent one has an expired blockhash', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', null); // a blockhash outlives any deadline: only an order without one gets here
    const crashing = createProcessOrder({
      ...h.deps,
      chain: { ...h.deps.chain, send: async () => Promise.reject(new Error('worker killed')) },
    });
    await expect(crashing(id, first)).rejects.toThrow('worker killed');
    const stale = h.orders.get(id)!.txHash;
    h.clock.advance(2 * 60_000); // far past 150 blocks of 400 ms
    const order = await h.process(id, first);
    expect(order.status).toBe('confirmed');
    expect(order.txHash).not.toBe(stale);
    expect([...h.records.keys()]).toEqual([order.txHash]);
  });

  it('throws a transient failure for the queue to retry while attempts remain', async () => {
    const h = harness({ sendFailure: () => 'refused' });
    const id = await h.newOrder();
    await expect(h.process(id, first)).rejects.toBeInstanceOf(TransientSendError);
    expect(h.orders.get(id)!.status).toBe('building');
  });

  it('on the last attempt, confirms a timed-out send that reached the chain instead of reporting failure', async () => {
    const h = harness({ sendFailure: () => 'timeout' });
    const id = await h.newOrder();
    const order = await h.process(id, { number: 3, max: 3 });
    expect(order.status).toBe('confirmed');
    expect(h.records.size).toBe(1);
  });

  it('on the last attempt, fails with EXECUTION_FAILED when the chain never got the transaction', async () => {
    const h = harness({ sendFailure: () => 'refused' });
    const id = await h.newOrder();
    const order = await h.process(id, { number: 3, max: 3 });
    expect(order).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED', attempts: 3 });
    expect(h.records.size).toBe(0);
    expect(h.published.at(-1)).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'EXECUTION_FAILED' } });
  });

  it('fails with SLIPPAGE_EXCEEDED when a bigger buy lands just before it, and its swap leaves the pool as it was', async () => {
    let midAfterWhale = 0;
    let landedAt = 0;
    const h = harness({
      beforeLanding: (tx, at) => {
        const dex = tx.legs[0]!.dex;
        h.market.fill(dex, tx.pair, 'buy', 5_000, { side: 'buy', maxAmountIn: Number.MAX_VALUE }, at);
        midAfterWhale = h.market.midPrice(tx.pair, dex, at);
        landedAt = at;
      },
    });
    const id = await h.newOrder('2', 'buy');
    const order = await h.process(id, first);
    expect(order).toMatchObject({ status: 'failed', failureCode: 'SLIPPAGE_EXCEEDED' });
    expect(order.failureReason).toMatch(/above the limit/);
    expect(h.market.midPrice('SOL/USDC', order.dex as 'raydium' | 'meteora', landedAt)).toBe(midAfterWhale);
  });

  describe('when the chain loses a submitted transaction', () => {
    async function submittedThenLost(h: ReturnType<typeof harness>, id: string) {
      const crashing = createProcessOrder({
        ...h.deps,
        events: {
          publish: async (event) => {
            if (event.status === 'submitted') throw new Error('worker killed');
            h.published.push(event);
          },
        },
      });
      await expect(crashing(id, first)).rejects.toThrow('worker killed');
      expect(h.orders.get(id)!.status).toBe('submitted');
      h.records.clear();
    }

    it('sends the same transaction again while its blockhash is valid', async () => {
      const h = harness();
      const id = await h.newOrder();
      await submittedThenLost(h, id);
      const txHash = h.orders.get(id)!.txHash;
      const order = await h.process(id, first);
      expect(order).toMatchObject({ status: 'confirmed', txHash });
      expect([...h.records.keys()]).toEqual([txHash]);
    });

    it('fails with EXECUTION_FAILED once the blockhash has expired, without spinning', async () => {
      const h = harness();
      const id = await h.newOrder();
      await submittedThenLost(h, id);
      h.clock.advance(2 * 60_000);
      const sendsBefore = h.counts().sends;
      const order = await h.process(id, first);
      expect(order).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED' });
      expect(order.failureReason).toMatch(/expired without landing/);
      expect(h.counts().sends).toBe(sendsBefore);
    });

    it('on the last attempt, waits out the blockhash before reporting a re-send that failed', async () => {
      let failNext = false;
      const h = harness({ sendFailure: () => (failNext ? 'refused' : null) });
      const id = await h.newOrder();
      await submittedThenLost(h, id);
      failNext = true;
      const started = h.clock.now();
      const order = await h.process(id, { number: 3, max: 3 });
      expect(order).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED' });
      expect(h.clock.now() - started).toBeGreaterThan(50_000); // 150 blocks of 400 ms
    });
  });

  it('signs anew, instead of retrying forever, when its blockhash expired before the first send', async () => {
    const h = harness();
    const id = await h.newOrder('2', 'buy', null); // a blockhash outlives any deadline: only an order without one gets here
    let sends = 0;
    const slow = createProcessOrder({
      ...h.deps,
      // The route's write takes longer than a blockhash lives (a stalled database).
      store: afterMoveTo(h, 'building', () => h.clock.advance(61_000)),
      chain: {
        ...h.deps.chain,
        send: async (...args) => {
          if (++sends > 10) throw new Error('sending the same expired transaction in a loop');
          return h.deps.chain.send(...args);
        },
      },
    });
    const first = (await h.store.get(id))!;
    expect(first.txHash).toBeNull();
    const order = await slow(id, { number: 1, max: 3 });
    expect(order.status).toBe('confirmed');
    expect(sends).toBeLessThanOrEqual(3);
    expect([...h.records.keys()]).toEqual([order.txHash]);
  });
});
