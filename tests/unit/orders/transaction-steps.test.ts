import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../src/orders/order.js';
import type { Run } from '../../../src/orders/order-moves.js';
import { createTransactionSteps } from '../../../src/orders/transaction-steps.js';
import type { OrderEvent } from '../../../src/protocol/server-messages.js';
import { createSimulatedChain, type SignedTx, type TxResult } from '../../helpers/simulated-chain.js';
import { findPair } from '../../../src/venues/pairs.js';
import type { Quote } from '../../../src/venues/types.js';
import { createMemoryLedger, createMemoryStore, createVirtualClock } from '../../helpers/memory-store.js';
import { NO_RESTING_TERMS } from '../../../src/orders/order.js';

const pair = findPair('SOL/USDC')!;
const ORDER_ID = '00000000-0000-4000-8000-000000000001';

/** The steps over an in-memory store and a simulated chain whose landings do what `outcome` says. */
function harness(outcome: (tx: SignedTx) => TxResult = filled) {
  const { store, orders, events } = createMemoryStore();
  const { ledger, records } = createMemoryLedger();
  const clock = createVirtualClock();
  let sends = 0;
  let signatures = 0;
  const chain = createSimulatedChain({
    ledger,
    fill: (tx) => outcome(tx),
    landingDelayMs: () => 1_500,
    sendFailure: () => {
      sends += 1;
      return null;
    },
  });
  const published: OrderEvent[] = [];
  const steps = createTransactionSteps({
    store,
    events: { publish: async (event) => void published.push(event) },
    chain,
    clock,
    ids: { orderId: () => ORDER_ID, signature: () => `Sig${++signatures}` },
  });

  /** An order routed to raydium, in `building` with no signature saved yet. */
  async function building(side: 'buy' | 'sell' = 'buy'): Promise<Order> {
    await store.create(
      { id: ORDER_ID, accountId: 'a', clientOrderId: null, type: 'market', side, pair: 'SOL/USDC', amount: '2', slippageBps: 100, deadlineMs: null, ...NO_RESTING_TERMS },
      { type: 'ack', orderId: ORDER_ID, status: 'pending', seq: 1, ts: clock.now() },
    );
    await store.transition(ORDER_ID, 'pending', {}, { type: 'order', orderId: ORDER_ID, status: 'routing', ts: clock.now() });
    const routed = await store.transition(ORDER_ID, 'routing', { dex: 'raydium', limitAmount: side === 'buy' ? '310' : '290' }, {
      type: 'order',
      orderId: ORDER_ID,
      status: 'building',
      dex: 'raydium',
      side,
      route: [],
      quotes: [],
      limit: side === 'buy' ? { maxAmountIn: '310' } : { minAmountOut: '290' },
      reason: 'test',
      ts: clock.now(),
    });
    return routed!.order;
  }

  const run = (attempt = 1): Run => ({ pair, attempt: { number: attempt, max: 3 }, amount: 2, log: pino({ level: 'silent' }) });
  return { store, orders, events, records, chain, clock, steps, published, building, run, counts: () => ({ sends, signatures }) };
}

function filled(tx: SignedTx): TxResult {
  const fill: Quote = { dex: tx.legs[0]!.dex, pair: tx.pair, side: tx.side, amountIn: 301.5, amountOut: 2, price: 150.75, fee: 0.75, feeBps: 25, priceImpactBps: 3 };
  return { ok: true, fills: [fill], amountIn: fill.amountIn, amountOut: fill.amountOut, fee: fill.fee, price: fill.price };
}

describe('transaction steps', () => {
  it('send signs an unsigned order, saves the signature before sending it, and moves the order to submitted', async () => {
    const h = harness();
    const order = await h.building();
    const run = h.run();
    const sent = await h.steps.send(order, run);
    expect(sent).toMatchObject({ status: 'submitted', dex: 'raydium', txHash: 'Sig1' });
    expect(run.signed).toBe('Sig1');
    expect([...h.records.keys()]).toEqual(['Sig1']);
    expect(h.records.get('Sig1')).toMatchObject({ orderId: ORDER_ID, legs: [{ dex: 'raydium', amount: 2 }], side: 'buy', amount: 2, limit: { side: 'buy', maxAmountIn: 310 } });
    expect(h.published).toEqual([{ type: 'order', orderId: ORDER_ID, seq: 4, status: 'submitted', dex: 'raydium', txHash: 'Sig1', ts: h.clock.now() }]);
  });

  it('send does not send again a saved signature the chain already has: it only records the order submitted', async () => {
    const h = harness();
    const first = await h.steps.send(await h.building(), h.run());
    // As if that delivery died after its send: the order is back in building with its signature saved.
    h.orders.set(ORDER_ID, { ...first, status: 'building' });
    const before = h.counts();
    const again = await h.steps.send(h.orders.get(ORDER_ID)!, h.run(2));
    expect(again).toMatchObject({ status: 'submitted', txHash: 'Sig1' });
    expect(h.counts()).toEqual(before);
  });

  it('send re-sends an unsent saved signature, without signing, while its blockhash is valid', async () => {
    const h = harness();
    await h.building();
    const saved = await h.store.saveTx(ORDER_ID, 'building', null, { txHash: 'Earlier', lastValidBlockHeight: h.chain.lastValidBlockHeight(h.clock.now()) });
    expect(await h.steps.send(saved!, h.run(2))).toMatchObject({ status: 'submitted', txHash: 'Earlier' });
    expect([...h.records.keys()]).toEqual(['Earlier']);
    expect(h.counts().signatures).toBe(0);
  });

  it('send signs anew when an unsent saved signature has an expired blockhash', async () => {
    const h = harness();
    await h.building();
    const stale = await h.store.saveTx(ORDER_ID, 'building', null, { txHash: 'Stale', lastValidBlockHeight: h.chain.lastValidBlockHeight(h.clock.now()) });
    h.clock.advance(2 * 60_000); // far past 150 blocks of 400 ms
    expect(await h.steps.send(stale!, h.run(2))).toMatchObject({ status: 'submitted', txHash: 'Sig1' });
    expect([...h.records.keys()]).toEqual(['Sig1']);
  });

  it('settle waits until a pending transaction lands and leaves the order submitted meanwhile', async () => {
    const h = harness();
    const submitted = await h.steps.send(await h.building(), h.run());
    const landsAt = h.records.get('Sig1')!.landsAt;
    const after = await h.steps.settle(submitted, h.run());
    expect(after.status).toBe('submitted');
    expect(h.clock.now()).toBeGreaterThanOrEqual(landsAt);
    expect(h.published.at(-1)!.status).toBe('submitted');
  });

  it('settle records a fill as confirmed, storing the price and amount the event carries', async () => {
    const h = harness();
    const submitted = await h.steps.send(await h.building(), h.run());
    h.clock.advance(2_000);
    const confirmed = await h.steps.settle(submitted, h.run());
    expect(confirmed).toMatchObject({ status: 'confirmed', executedPrice: '150.750000', amountOut: '2.000000000' });
    expect(h.published.at(-1)).toMatchObject({ status: 'confirmed', dex: 'raydium', txHash: 'Sig1', executedPrice: '150.750000', amountIn: '301.500000', fee: '0.750000' });
  });

  it('settle fails a reverted sell with SLIPPAGE_EXCEEDED, naming what it would have received against the limit', async () => {
    const attempted: Quote = { dex: 'raydium', pair: 'SOL/USDC', side: 'sell', amountIn: 2, amountOut: 280.25, price: 140.125, fee: 0.7, feeBps: 25, priceImpactBps: 3 };
    const h = harness((tx) => ({ ok: false, code: 'SLIPPAGE_EXCEEDED', attempted: { amountIn: attempted.amountIn, amountOut: attempted.amountOut }, limit: tx.limit }));
    const submitted = await h.steps.send(await h.building('sell'), h.run());
    h.clock.advance(2_000);
    const failed = await h.steps.settle(submitted, h.run(2));
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'SLIPPAGE_EXCEEDED', attempts: 2 });
    expect(failed.failureReason).toBe('the fill would receive 280.250000 USDC, below the limit 290.000000 (100 bps); the swap reverted');
    expect(h.published.at(-1)).toMatchObject({ status: 'failed', attempts: 2, dex: 'raydium', txHash: 'Sig1', error: { code: 'SLIPPAGE_EXCEEDED' } });
  });

  it('settle fails with INSUFFICIENT_LIQUIDITY when the pool could not fill at landing', async () => {
    const h = harness(() => ({ ok: false, code: 'INSUFFICIENT_LIQUIDITY' }));
    const submitted = await h.steps.send(await h.building(), h.run());
    h.clock.advance(2_000);
    expect(await h.steps.settle(submitted, h.run())).toMatchObject({ status: 'failed', failureCode: 'INSUFFICIENT_LIQUIDITY', failureReason: 'the pool could not fill 2 SOL at landing' });
  });

  it('settle fails a transaction the chain lost once its blockhash has expired, without sending it again', async () => {
    const h = harness();
    const submitted = await h.steps.send(await h.building(), h.run());
    h.records.clear();
    h.clock.advance(2 * 60_000);
    const before = h.counts().sends;
    expect(await h.steps.settle(submitted, h.run())).toMatchObject({ status: 'failed', failureCode: 'EXECUTION_FAILED', failureReason: 'the transaction expired without landing' });
    expect(h.counts().sends).toBe(before);
  });
});
