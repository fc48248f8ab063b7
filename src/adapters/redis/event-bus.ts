import type { RedisClient as Redis } from './connect.js';
import type { Logger } from '../../log.js';
import type { EventPublisher } from '../../orders/ports.js';
import { encodeServerMessage, type OrderEvent } from '../../protocol/server-messages.js';
import { createBatcher } from '../../util/batcher.js';

import type { BusEvent } from '../../gateway/order-feed.js';

// Enough history for a gateway that blinks to catch up from Redis; older gaps are filled from Postgres.
const HISTORY_MS = 30_000;
/** Most events one stream entry carries. */
const MAX_EVENTS_PER_ENTRY = 200;

/**
 * Events travel over a Redis Stream rather than pub/sub: a reader that falls behind resumes from
 * the last id it saw instead of being disconnected and silently losing messages. Events published
 * in the same turn of the event loop share one entry (fields `o s st e` repeated per event), each
 * serialized once here and sent to clients as is. The stream keeps the last 30 s of entries.
 */
export function createEventPublisher(redis: Redis, streamKey: string, options: { lingerMs?: number } = {}): EventPublisher {
  // Entry ids are Redis's clock in ms: the history is cut at a time read from Redis itself, so a
  // worker whose clock is off never trims what gateways have yet to read.
  let trimBelowMs = 0;
  const publish = createBatcher<OrderEvent, void>({
    maxSize: MAX_EVENTS_PER_ENTRY,
    maxInFlight: 4,
    lingerMs: options.lingerMs ?? 0,
    run: async (events) => {
      const fields: string[] = [];
      for (const event of events) fields.push('o', event.orderId, 's', String(event.seq), 'st', event.status, 'e', encodeServerMessage(event));
      const id = await redis.xadd(streamKey, 'MINID', '~', String(trimBelowMs), '*', ...fields);
      const addedAtMs = Number.parseInt(id ?? '', 10);
      if (addedAtMs > trimBelowMs + HISTORY_MS) trimBelowMs = addedAtMs - HISTORY_MS;
      return events.map(() => undefined);
    },
  });
  return { publish };
}

/** The id of the stream's newest entry ("0-0" while it is empty): read from it, a subscriber misses nothing published after. */
export async function lastEventId(redis: Redis, streamKey: string): Promise<string> {
  const [newest] = await redis.xrevrange(streamKey, '+', '-', 'COUNT', 1);
  return newest?.[0] ?? '0-0';
}

/**
 * Reads the stream from now on (or after `fromId`) and hands every event to `onEvent`, in stream
 * order, until closed.
 */
/** A blocking read returns within its 2 s block: a read older than this has failed (or hangs). */
const STALE_READ_MS = 5_000;

export function startEventSubscriber(options: { redis: Redis; streamKey: string; log: Logger; onEvent: (event: BusEvent) => void; fromId?: string }) {
  const { redis, streamKey, log, onEvent } = options;
  let closed = false;
  let lastId = options.fromId ?? '$';
  let lagMs = 0;
  /** When a read last succeeded: while reads fail, the lag is at least the time since (a dead reader is not caught up). */
  let lastReadAt = Date.now();
  const done = (async () => {
    while (!closed) {
      try {
        const reply = await redis.xread('COUNT', 1000, 'BLOCK', 2000, 'STREAMS', streamKey, lastId);
        lastReadAt = Date.now();
        if (!reply) {
          lagMs = 0; // nothing new for a while: caught up
          continue;
        }
        for (const [, entries] of reply) {
          for (const [id, fields] of entries) {
            lastId = id;
            const events = toBusEvents(fields);
            if (!events) log.warn({ streamId: id }, 'malformed entry on the event stream');
            else for (const event of events) onEvent(event);
          }
        }
        // How old the newest entry read is (an entry id starts with Redis's clock, in ms).
        lagMs = Math.max(0, Date.now() - Number(lastId.split('-')[0]));
      } catch (err) {
        if (closed) break;
        log.warn({ err }, 'event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    /** How far behind the stream this reader was at its last read, ms (0 when it found nothing new). */
    lagMs: () => Math.max(lagMs, Date.now() - lastReadAt - STALE_READ_MS),
    async close() {
      closed = true;
      redis.disconnect(); // aborts the blocking read
      await done;
    },
  };
}

/** The events of one entry, in the order they were published; null if any is malformed. */
export function toBusEvents(fields: readonly string[]): BusEvent[] | null {
  const events: BusEvent[] = [];
  for (let i = 0; i + 7 < fields.length; i += 8) {
    if (fields[i] !== 'o' || fields[i + 2] !== 's' || fields[i + 4] !== 'st' || fields[i + 6] !== 'e') return null;
    const seq = Number(fields[i + 3]);
    if (!fields[i + 1] || !Number.isInteger(seq) || !fields[i + 7]) return null;
    events.push({ orderId: fields[i + 1]!, seq, status: fields[i + 5]!, text: fields[i + 7]! });
  }
  return events.length > 0 && events.length * 8 === fields.length ? events : null;
}
