import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createEventPublisher, startEventSubscriber, toBusEvents } from '../../src/adapters/redis/event-bus.js';
import type { BusEvent } from '../../src/gateway/order-feed.js';
import type { EventRoute } from '../../src/orders/ports.js';
import type { OrderEvent } from '../../src/protocol/server-messages.js';

const log = pino({ level: 'silent' });

function event(orderId: string, seq: number, status: 'routing' | 'confirmed'): OrderEvent {
  return { type: 'order', orderId, seq, status, ts: seq } as OrderEvent;
}

const market = (...followers: string[]): EventRoute => ({ type: 'market', followers });

describe('event bus on Redis Streams', () => {
  const redis = new Redis(inject('redisUrl'));
  const ns = `bus-test-${randomUUID()}`;
  const streams = { inboxOf: (gateway: string) => `${ns}:events:gw:${gateway}`, resting: `${ns}:events:resting` };
  const streamKey = streams.inboxOf('g1');
  afterAll(() => redis.disconnect());

  it('carries events published together in one entry, and hands each to the subscriber in order', async () => {
    const received: BusEvent[] = [];
    const subscriber = startEventSubscriber({ redis: new Redis(inject('redisUrl')), streamKey, log, onEvent: (e) => received.push(e) });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the subscriber reads from "now"
    const publisher = createEventPublisher(redis, streams);
    const [a, b] = [randomUUID(), randomUUID()];
    const sent = [event(a, 2, 'routing'), event(b, 2, 'routing'), event(a, 3, 'confirmed')];
    await Promise.all(sent.map((e) => publisher.publish(e, market('g1'))));
    await publisher.publish(event(b, 3, 'confirmed'), market('g1'));

    expect(await redis.xlen(streamKey)).toBe(2);
    for (let i = 0; i < 50 && received.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await subscriber.close();
    expect(received.map(({ orderId, seq, status }) => [orderId, seq, status])).toEqual([
      [a, 2, 'routing'],
      [b, 2, 'routing'],
      [a, 3, 'confirmed'],
      [b, 3, 'confirmed'],
    ]);
    expect(JSON.parse(received[2]!.text)).toMatchObject({ type: 'order', orderId: a, seq: 3, status: 'confirmed' });
  });

  it("sends each event to the inbox of each of its order's followers only, and a resting order's to the trigger's stream too", async () => {
    const publisher = createEventPublisher(redis, streams);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all([
      publisher.publish(event(a, 2, 'routing'), market('g2')),
      publisher.publish(event(b, 2, 'routing'), market('g2', 'g3')),
      publisher.publish(event(c, 2, 'routing'), { type: 'limit', followers: ['g3'] }),
      publisher.publish(event(randomUUID(), 2, 'routing'), market()),
    ]);
    const read = async (key: string) =>
      (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => toBusEvents(fields) ?? []).map((e) => e.orderId);
    expect(await read(streams.inboxOf('g2'))).toEqual([a, b]);
    expect(await read(streams.inboxOf('g3'))).toEqual([b, c]);
    expect(await read(streams.resting)).toEqual([c]);
    // Written packed: one field per entry, a line per event (readers still take the older fields).
    const entries = await redis.xrange(streams.inboxOf('g2'), '-', '+');
    expect(entries.map(([, fields]) => fields[0])).toEqual(entries.map(() => 'events'));
    expect(entries.flatMap(([, fields]) => fields[1]!.split('\n')).map((line) => line.split('\t').slice(0, 3))).toEqual([
      [a, '2', 'routing'],
      [b, '2', 'routing'],
    ]);
    // An inbox expires once nobody publishes to it (its gateway is gone); the resting stream does not.
    expect(await redis.pttl(streams.inboxOf('g2'))).toBeGreaterThan(60_000);
    expect(await redis.pttl(streams.resting)).toBe(-1);
  });

  it('reads an entry of packed events (a line per event) and refuses a malformed one', () => {
    const text = JSON.stringify({ type: 'order', note: 'a\ttab and a\nnewline stay escaped' });
    expect(toBusEvents(['events', `x\t2\trouting\t{}\ny\t3\tbuilding\t${text}`])).toEqual([
      { orderId: 'x', seq: 2, status: 'routing', text: '{}' },
      { orderId: 'y', seq: 3, status: 'building', text },
    ]);
    expect(toBusEvents(['events', 'x\ttwo\trouting\t{}'])).toBeNull();
    expect(toBusEvents(['events', 'x\t2\trouting\t'])).toBeNull();
    expect(toBusEvents(['events', 'x\t2\trouting\t{}\n\ny\t3\tbuilding\t{}'])).toBeNull();
    expect(toBusEvents(['events', '\t2\trouting\t{}'])).toBeNull();
    expect(toBusEvents(['events', 'x\t\trouting\t{}'])).toBeNull();
    expect(toBusEvents(['events', 'x\t2\t\t{}'])).toBeNull();
    expect(toBusEvents(['events', ''])).toBeNull();
    expect(toBusEvents(['events', 'x\t2\trouting\t{}', 'o', 'y'])).toBeNull();
  });

  it('reads entries of one event (as earlier versions wrote them) and refuses malformed ones', () => {
    expect(toBusEvents(['o', 'x', 's', '2', 'st', 'routing', 'e', '{}'])).toEqual([{ orderId: 'x', seq: 2, status: 'routing', text: '{}' }]);
    expect(toBusEvents(['o', 'x', 's', 'two', 'st', 'routing', 'e', '{}'])).toBeNull();
    expect(toBusEvents(['o', 'x', 's', '2', 'st', 'routing', 'e', '{}', 'o', 'y'])).toBeNull();
    expect(toBusEvents(['s', '2', 'o', 'x', 'st', 'routing', 'e', '{}'])).toBeNull();
    expect(toBusEvents([])).toBeNull();
  });
});
