import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createOrderFeed, type BusEvent } from '../../../src/gateway/order-feed.js';
import type { OrderUpdate } from '../../../src/protocol/server-messages.js';

const log = pino({ level: 'silent' });
const event = (orderId: string, seq: number, status = 'routing'): BusEvent => ({
  orderId,
  seq,
  status,
  text: JSON.stringify({ orderId, seq, status }),
});

function sink() {
  const received: Array<{ seq: number; status: string }> = [];
  return { received, send: (text: string) => void received.push(JSON.parse(text)) };
}

describe('order feed', () => {
  it('delivers in seq order, holding an update that arrives before the one it follows', () => {
    const feed = createOrderFeed({ loadAfter: async () => [], log });
    const s = sink();
    feed.watch('o1', s);
    feed.deliver(event('o1', 2));
    expect(s.received).toEqual([]);
    feed.deliver(event('o1', 1, 'pending'));
    feed.deliver(event('o1', 3, 'building'));
    expect(s.received.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('drops duplicates and updates for orders nobody watches', () => {
    const feed = createOrderFeed({ loadAfter: async () => [], log });
    const s = sink();
    feed.watch('o1', s);
    feed.deliver(event('o1', 1, 'pending'));
    feed.deliver(event('o1', 1, 'pending'));
    feed.deliver(event('other', 1, 'pending'));
    expect(s.received).toHaveLength(1);
  });

  it('stops watching after the terminal update', () => {
    const feed = createOrderFeed({ loadAfter: async () => [], log });
    const s = sink();
    feed.watch('o1', s);
    feed.deliver(event('o1', 1, 'pending'));
    feed.deliver(event('o1', 2, 'failed'));
    expect(feed.size).toBe(0);
    feed.deliver(event('o1', 3, 'routing'));
    expect(s.received).toHaveLength(2);
  });

  it('fills a gap that stays open from the durable history', async () => {
    const history: OrderUpdate[] = [
      { type: 'order', orderId: 'o1', seq: 2, status: 'routing', ts: 1 },
      { type: 'order', orderId: 'o1', seq: 3, status: 'failed', error: { code: 'X', message: 'x' }, attempts: 1, ts: 2 },
    ];
    const asked: number[] = [];
    const feed = createOrderFeed({
      loadAfter: async (_id, after) => (asked.push(after), history.filter((u) => u.seq > after)),
      log,
      gapMs: 5,
    });
    const s = sink();
    feed.watch('o1', s);
    feed.deliver(event('o1', 1, 'pending'));
    feed.deliver(event('o1', 3, 'failed')); // seq 2 was lost on the way
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toEqual([1]);
    expect(s.received.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(feed.size).toBe(0);
  });

  it('asks the store about an order that has gone quiet, so even a lost final update arrives', async () => {
    const feed = createOrderFeed({
      loadAfter: async (_id, after) => (after < 2 ? [{ type: 'order', orderId: 'o1', seq: 2, status: 'cancelled', reason: 'x', ts: 1 }] : []),
      log,
      quietMs: 20,
    });
    const s = sink();
    feed.watch('o1', s);
    feed.deliver(event('o1', 1, 'pending'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(s.received.map((m) => m.status)).toEqual(['pending', 'cancelled']);
    expect(feed.size).toBe(0);
  });

  it('delivers to every socket watching one order, each exactly once', async () => {
    const feed = createOrderFeed({ loadAfter: async () => [{ type: 'ack', orderId: 'o1', status: 'pending', seq: 1, ts: 0 }], log });
    const first = sink();
    const second = sink();
    feed.watch('o1', first);
    feed.deliver(event('o1', 1, 'pending'));
    await feed.subscribe('o1', second, 0);
    feed.deliver(event('o1', 2, 'routing'));
    feed.deliver(event('o1', 2, 'routing'));
    expect(first.received.map((m) => m.seq)).toEqual([1, 2]);
    expect(second.received.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('forgets a closed connection', () => {
    const feed = createOrderFeed({ loadAfter: async () => [], log });
    const s = sink();
    feed.watch('o1', s);
    feed.watch('o2', s);
    feed.dropSink(s);
    feed.deliver(event('o1', 1, 'pending'));
    expect(s.received).toEqual([]);
    expect(feed.size).toBe(0);
  });
});
