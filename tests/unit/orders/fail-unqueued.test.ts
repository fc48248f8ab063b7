import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { failUnqueuedOrders } from '../../../src/orders/fail-unqueued.js';
import type { OrderEvent } from '../../../src/protocol/server-messages.js';
import { createMemoryStore, createVirtualClock } from '../../helpers/memory-store.js';
import { NO_RESTING_TERMS } from '../../../src/orders/order.js';

const log = pino({ level: 'silent' });

async function seed(store: ReturnType<typeof createMemoryStore>['store'], id: string) {
  await store.create(
    { id, accountId: 'a', clientOrderId: null, type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 50, deadlineMs: null, ...NO_RESTING_TERMS },
    { type: 'ack', orderId: id, status: 'pending', seq: 1, ts: 0 },
  );
}

describe('failUnqueuedOrders', () => {
  it('fails a stale pending order that has no job, and leaves one that has a job alone', async () => {
    const { store, orders } = createMemoryStore();
    await seed(store, 'never-queued');
    await seed(store, 'queued');
    const published: OrderEvent[] = [];
    const failed = await failUnqueuedOrders({
      store,
      queue: { enqueue: async () => undefined, queuedAmong: async (ids) => new Set(ids.filter((id) => id === 'queued')) },
      events: { publish: async (event) => void published.push(event) },
      clock: createVirtualClock(),
      log,
    });
    expect(failed).toEqual(['never-queued']);
    expect(orders.get('never-queued')).toMatchObject({ status: 'failed', failureCode: 'QUEUE_UNAVAILABLE' });
    expect(orders.get('queued')!.status).toBe('pending');
    expect(published).toEqual([expect.objectContaining({ orderId: 'never-queued', seq: 2, status: 'failed' })]);
  });
});
