import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OpenOrderSlot, OpenOrderSlots, OrderStore } from '../../../src/orders/ports.js';
import { createSubmitOrder } from '../../../src/orders/submit-order.js';
import type { SubmitMessage } from '../../../src/protocol/client-messages.js';
import { findPair } from '../../../src/venues/pairs.js';
import { createMemoryStore, createVirtualClock } from '../../helpers/memory-store.js';

const log = pino({ level: 'silent' });
const message: SubmitMessage = { op: 'submit', clientOrderId: 'retry-me', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 50, deadlineMs: 10_000 };
const subscriber = { watch: () => undefined, unwatch: () => undefined };

/** A cap of `max` slots that remembers what became of each one. */
function fakeSlots(max: number) {
  const taken: Array<{ accountId: string; boundTo: string | null; released: boolean }> = [];
  const held = () => taken.filter((slot) => !slot.released).length;
  const slots: OpenOrderSlots = {
    acquire(accountId): OpenOrderSlot | null {
      if (held() >= max) return null;
      const slot = { accountId, boundTo: null as string | null, released: false };
      taken.push(slot);
      return { bind: (orderId) => void (slot.boundTo = orderId), release: () => void (slot.released = true) };
    },
  };
  return { slots, taken, held };
}

function build(enqueue: (orderId: string) => Promise<void>, options: { max?: number; store?: (store: OrderStore) => OrderStore } = {}) {
  const memory = createMemoryStore();
  let n = 0;
  const open = fakeSlots(options.max ?? 10);
  const submit = createSubmitOrder({
    store: options.store ? options.store(memory.store) : memory.store,
    queue: { enqueue, queuedAmong: async () => new Set<string>() },
    quoteToken: () => undefined,
    clock: createVirtualClock(),
    ids: { orderId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, signature: () => 'sig' },
    findPair,
    log,
    openOrders: open.slots,
  });
  return { ...memory, submit, open };
}

const queued = async () => undefined;

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
    expect(t.events.get(stored!.id)!.at(-1)).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'QUEUE_UNAVAILABLE' } });
    // Released after it was tied to the stored order: the slot frees itself either way.
    expect(t.open.taken).toEqual([{ accountId: 'acct', boundTo: stored!.id, released: true }]);
    queueUp = true;
    const retried = await t.submit(message, 'acct', subscriber);
    expect(retried.ok && 'ack' in retried).toBe(true);
    expect(t.orders.size).toBe(2);
  });

  it('acks after all when the late add did land and a worker already took the order, keeping the slot tied to it', async () => {
    const t = build(async (orderId) => {
      // The add times out for the gateway, but the job ran: a worker moved the order on.
      await t.store.transition(orderId, 'pending', {}, { type: 'order', orderId, status: 'routing', ts: 1 });
      throw new Error('timed out');
    });
    const result = await t.submit(message, 'acct', subscriber);
    expect(result.ok && 'ack' in result).toBe(true);
    expect(t.open.taken).toEqual([{ accountId: 'acct', boundTo: result.ok && 'ack' in result ? result.ack.orderId : '', released: false }]);
  });
});

describe('submitOrder and the open-order cap', () => {
  it('keeps the slot of an accepted order, tied to it', async () => {
    const t = build(queued);
    const result = await t.submit(message, 'acct', subscriber);
    if (!result.ok || !('ack' in result)) throw new Error('not accepted');
    expect(t.open.taken).toEqual([{ accountId: 'acct', boundTo: result.ack.orderId, released: false }]);
  });

  it('refuses with LIMIT_EXCEEDED, storing nothing, when the account is at its cap', async () => {
    const t = build(queued, { max: 1 });
    await t.submit({ ...message, clientOrderId: 'first' }, 'acct', subscriber);
    const refused = await t.submit({ ...message, clientOrderId: 'second' }, 'acct', subscriber);
    expect(refused).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED', retryable: true } });
    expect(t.orders.size).toBe(1);
    expect(t.open.held()).toBe(1);
  });

  it('releases the slot of a duplicate submit: the order it names already holds one', async () => {
    const t = build(queued);
    const first = await t.submit(message, 'acct', subscriber);
    const again = await t.submit(message, 'acct', subscriber);
    expect(again).toMatchObject({ ok: true, duplicate: { duplicate: true } });
    expect(t.open.taken.map(({ boundTo, released }) => ({ bound: boundTo !== null, released }))).toEqual([
      { bound: true, released: false },
      { bound: false, released: true },
    ]);
    expect(first.ok && 'ack' in first && t.open.taken[0]!.boundTo === first.ack.orderId).toBe(true);
  });

  it('releases the slot when the order cannot be stored', async () => {
    const t = build(queued, { store: (store) => ({ ...store, create: async () => Promise.reject(new Error('database down')) }) });
    const refused = await t.submit(message, 'acct', subscriber);
    expect(refused).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(t.open.taken).toEqual([{ accountId: 'acct', boundTo: null, released: true }]);
  });

  it('takes no slot for a submit refused before storing (unknown pair, too many decimals)', async () => {
    const t = build(queued);
    expect(await t.submit({ ...message, pair: 'DOGE/USDC' }, 'acct', subscriber)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PAIR' } });
    expect(await t.submit({ ...message, amount: '1.0000000001' }, 'acct', subscriber)).toMatchObject({ ok: false, error: { code: 'INVALID_ORDER' } });
    expect(t.open.taken).toEqual([]);
  });
});
