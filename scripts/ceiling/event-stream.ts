import type { RedisClient as Redis } from '../../src/adapters/redis/connect.js';
import { toBusEvents } from '../../src/adapters/redis/event-bus.js';
import type { Logger } from '../../src/log.js';
import { createBatcher } from '../../src/util/batcher.js';
import type { EventText } from './order-events.js';

/** The engine's history: a gateway that blinks can catch up for 30 s (by Redis's clock). */
const HISTORY_MS = 30_000;
/** Most events one entry carries: a worker batch of 250 orders with their four events each. */
const MAX_EVENTS_PER_ENTRY = 1_000;

/** What a reader hands on: one event of one order, its text ready for the wire. */
export interface StreamEvent {
  readonly orderId: string;
  readonly seq: number;
  readonly text: string;
}

/**
 * Publishes written events on the stream: those published in one turn of the event loop share one
 * entry, packed as the engine packs its own (one field `events`, a tab-separated line per event,
 * read back with the engine's `toBusEvents`), one XADD that also trims the history older than 30 s.
 */
export function createEventPublisher(redis: Redis, streamKey: string) {
  let trimBelowMs = 0;
  return createBatcher<EventText, void>({
    maxSize: MAX_EVENTS_PER_ENTRY,
    maxInFlight: 4,
    run: async (events) => {
      const lines = events.map((event) => `${event.orderId}\t${event.seq}\t${event.status}\t${event.text}`);
      const id = await redis.xadd(streamKey, 'MINID', '~', String(trimBelowMs), '*', 'events', lines.join('\n'));
      const addedAtMs = Number.parseInt(id ?? '', 10);
      if (addedAtMs > trimBelowMs + HISTORY_MS) trimBelowMs = addedAtMs - HISTORY_MS;
      return events.map(() => undefined);
    },
  });
}

/** Reads the stream from now on (XREAD BLOCK on a connection of its own) until closed. */
export function startEventReader(options: { redis: Redis; streamKey: string; log: Logger; onEvent: (event: StreamEvent) => void }) {
  const { redis, streamKey, log, onEvent } = options;
  let closed = false;
  let lastId = '$';
  const done = (async () => {
    while (!closed) {
      try {
        const reply = await redis.xread('COUNT', 1000, 'BLOCK', 2000, 'STREAMS', streamKey, lastId);
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const events = toBusEvents(fields);
            if (!events) log.warn({ streamId: id }, 'malformed entry on the event stream');
            else for (const event of events) onEvent(event);
          }
        }
      } catch (err) {
        if (closed) break;
        log.warn({ err }, 'event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    async close(): Promise<void> {
      closed = true;
      redis.disconnect(); // aborts the blocking read
      await done;
    },
  };
}
