import type { RedisClient as Redis } from './connect.js';
import type { Logger } from '../../log.js';
import type { EventPublisher, EventRoute } from '../../orders/ports.js';
import { encodeServerMessage, type OrderEvent } from '../../protocol/server-messages.js';
import { createBatcher } from '../../util/batcher.js';

import type { BusEvent } from '../../gateway/order-feed.js';

// Enough history for a gateway that blinks to catch up from Redis; older gaps are filled from Postgres.
const HISTORY_MS = 30_000;
/** Most events one stream entry carries. */
const MAX_EVENTS_PER_ENTRY = 200;
/** A gateway's inbox outlives its last event by this much: the inbox of a gateway that is gone goes away. */
const INBOX_TTL_MS = 10 * 60_000;

/** The streams events go to. */
export interface EventStreams {
  /** A gateway's inbox: the events of the orders it follows. */
  inboxOf(follower: string): string;
  /** The events of resting-type orders (limit, stop, sniper), for the trigger component. */
  readonly resting: string;
}

/**
 * Events travel over Redis Streams rather than pub/sub: a reader that falls behind resumes from the
 * last id it saw instead of being disconnected and silently losing messages. Each gateway reads its
 * own inbox, and an event goes to the inbox of each gateway following its order (the order's row
 * names them), so a gateway reads what its sockets need, not the whole deployment's events. Events
 * published in the same turn of the event loop share one entry per stream, each serialized once
 * here and sent to clients as is. An entry is one field, `events`: a line per event, its order id,
 * seq, status and text separated by tabs (JSON text never holds a raw tab or newline), so a reader
 * decodes one string per entry rather than eight per event. A stream keeps the last 30 s of entries.
 */
export function createEventPublisher(redis: Redis, streams: EventStreams, options: { lingerMs?: number } = {}): EventPublisher {
  // Entry ids are Redis's clock in ms: each stream's history is cut at a time read from its own
  // master, so neither a worker whose clock is off nor another master's trims what a reader has yet to read.
  const trimBelowMs = new Map<string, number>();
  const publish = createBatcher<{ event: OrderEvent; order: EventRoute }, void>({
    maxSize: MAX_EVENTS_PER_ENTRY,
    maxInFlight: 4,
    lingerMs: options.lingerMs ?? 0,
    run: async (items) => {
      const entries = new Map<string, string[]>();
      const add = (key: string, line: string) => {
        let lines = entries.get(key);
        if (!lines) entries.set(key, (lines = []));
        lines.push(line);
      };
      for (const { event, order } of items) {
        const line = `${event.orderId}\t${event.seq}\t${event.status}\t${encodeServerMessage(event)}`;
        for (const follower of order.followers) add(streams.inboxOf(follower), line);
        if (order.type !== 'market') add(streams.resting, line);
      }
      await Promise.all(
        [...entries].map(async ([key, lines]) => {
          const sent = redis.xadd(key, 'MINID', '~', String(trimBelowMs.get(key) ?? 0), '*', 'events', lines.join('\n'));
          const expiring = key === streams.resting ? undefined : redis.pexpire(key, INBOX_TTL_MS);
          const [id] = await Promise.all([sent, expiring]);
          const addedAtMs = Number.parseInt(id ?? '', 10);
          if (addedAtMs > (trimBelowMs.get(key) ?? 0) + HISTORY_MS) {
            if (trimBelowMs.size >= 10_000) trimBelowMs.clear(); // inboxes of gateways long gone: start over
            trimBelowMs.set(key, addedAtMs - HISTORY_MS);
          }
        }),
      );
      return items.map(() => undefined);
    },
  });
  return { publish: (event, order) => publish({ event, order }) };
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

/**
 * The events of one entry, in the order they were published; null if any is malformed. A packed
 * entry's strings are slices of it: whatever keeps one for long (a map key) keeps its own copy.
 */
export function toBusEvents(fields: readonly string[]): BusEvent[] | null {
  if (fields.length === 2 && fields[0] === 'events') return packedEvents(fields[1]!);
  // Entries as earlier versions wrote them: fields `o s st e` repeated per event.
  const events: BusEvent[] = [];
  for (let i = 0; i + 7 < fields.length; i += 8) {
    if (fields[i] !== 'o' || fields[i + 2] !== 's' || fields[i + 4] !== 'st' || fields[i + 6] !== 'e') return null;
    const seq = Number(fields[i + 3]);
    if (!fields[i + 1] || !Number.isInteger(seq) || !fields[i + 7]) return null;
    events.push({ orderId: fields[i + 1]!, seq, status: fields[i + 5]!, text: fields[i + 7]! });
  }
  return events.length > 0 && events.length * 8 === fields.length ? events : null;
}

/** The lines of an `events` field: order id, seq, status and text, tab-separated. */
function packedEvents(packed: string): BusEvent[] | null {
  const events: BusEvent[] = [];
  let start = 0;
  while (start < packed.length) {
    let end = packed.indexOf('\n', start);
    if (end === -1) end = packed.length;
    const idEnd = packed.indexOf('\t', start);
    const seqEnd = idEnd === -1 ? -1 : packed.indexOf('\t', idEnd + 1);
    const statusEnd = seqEnd === -1 ? -1 : packed.indexOf('\t', seqEnd + 1);
    if (idEnd <= start || statusEnd === -1 || statusEnd >= end - 1) return null;
    const seq = Number(packed.slice(idEnd + 1, seqEnd));
    if (!Number.isInteger(seq) || seqEnd === idEnd + 1 || statusEnd === seqEnd + 1) return null;
    events.push({ orderId: packed.slice(start, idEnd), seq, status: packed.slice(seqEnd + 1, statusEnd), text: packed.slice(statusEnd + 1, end) });
    start = end + 1;
  }
  return events.length > 0 ? events : null;
}
