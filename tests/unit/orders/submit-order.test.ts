import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createOpenOrders } from '../../../src/gateway/open-orders.js';
import { createSubmitOrder } from '../../../src/orders/submit-order.js';
import type { SubmitMessage } from '../../../src/protocol/client-messages.js';
import { findPair } from '../../../src/venues/pairs.js';
import { createMemoryStore, createVirtualClock } from '../../helpers/memory-store.js';

const log = pino({ level: 'silent' });
const message: SubmitMessage = { op: 'submit', clientOrderId: 'retry-me', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 50 };
const subscriber = { watch: () => undefined, unwatch: () => undefined };

function build(enqueue: (orderId: string) => Promise<void>) {
  const memory = createMemoryStore();
  let n = 0;
  const openOrders = createOpenOrders(10);
  const submit = createSubmitOrder({
    store: memory.store,
    queue: { enqueue, queuedAmong: async () => new Set<string>() },
    clock: createVirtualClock(),
    ids: { orderId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, signature: () => 'sig' },
    findPair,
    log,
    openOrders,
  });
  return { ...memory, submit, openOrders };
}

describe('submitOrder when the queue fails', () => {
  it('refuses with SERVICE_UNAVAILABLE, fails the stored order, frees its slot and its clientOrderId for a retry', async () => {
    let queueUp = false;
    const t = build(async () => {
      if (!queueUp) throw new Error('redis down');
    });
    const refused = await t.submit(message, 'acct', subscriber);
    expect(refused).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    const [stored] = [...t.orders.values()];
    expect(stored).toMatchObject({ status: 'failed', failureCode: 'QUEUE_UNAVAILABLE', clientOrderId: null });
    expect(t.openOrders.count('acct')).toBe(0);
    queueUp = true;
    const retried = await t.submit(message, 'acct', subscriber);
    expect(retried.ok && 'ack' in retried).toBe(true);
    expect(t.orders.size).toBe(2);
  });

  it('acks after all when the late add did land and a worker already took the order', async () => {
    const t = build(async (orderId) => {
      // The add times out for the gateway, but the job ran: a worker moved the order on.
      await t.store.transition(orderId, 'pending', {}, { type: 'order', orderId, status: 'routing', ts: 1 });
      throw new Error('timed out');
    });
    const result = await t.submit(message, 'acct', subscriber);
    expect(result.ok && 'ack' in result).toBe(true);
    expect(t.openOrders.count('acct')).toBe(1);
  });
});
