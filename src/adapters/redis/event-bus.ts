import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import type { EventPublisher } from '../../orders/ports.js';
import { encodeServerMessage, type OrderEvent } from '../../protocol/server-messages.js';

import type { BusEvent } from '../../gateway/order-feed.js';

// Enough history for a gateway that blinks to catch up from Redis; older gaps are filled from Postgres.
const MAX_LEN = 200_000;

/**
 * Events travel over a Redis Stream rather than pub/sub: a reader that falls behind resumes from
 * the last id it saw instead of being disconnected and silently losing messages.
 */
export function createEventPublisher(redis: Redis, streamKey: string): EventPublisher {
  return {
    async publish(event: OrderEvent) {
      await redis.xadd(streamKey, 'MAXLEN', '~', MAX_LEN, '*', 'o', event.orderId, 's', String(event.seq), 'st', event.status, 'e', encodeServerMessage(event));
    },
  };
}

/** Reads the stream from now on and hands every event to `onEvent`, in stream order, until closed. */
export function startEventSubscriber(options: { redis: Redis; streamKey: string; log: Logger; onEvent: (event: BusEvent) => void }) {
  const { redis, streamKey, log, onEvent } = options;
  let closed = false;
  let lastId = '$';
  const done = (async () => {
    while (!closed) {
      try {
        const reply = await redis.xread('COUNT', 1000, 'BLOCK', 2000, 'STREAMS', streamKey, lastId);
        if (!reply) continue;
        for (const [, entries] of reply) {
          for (const [id, fields] of entries) {
            lastId = id;
            const event = toBusEvent(fields);
            if (event) onEvent(event);
            else log.warn({ streamId: id }, 'malformed entry on the event stream');
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
    async close() {
      closed = true;
      redis.disconnect(); // aborts the blocking read
      await done;
    },
  };
}

function toBusEvent(fields: string[]): BusEvent | null {
  let orderId: string | undefined;
  let seq = Number.NaN;
  let text: string | undefined;
  let status = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!;
    if (fields[i] === 'o') orderId = value;
    else if (fields[i] === 's') seq = Number(value);
    else if (fields[i] === 'st') status = value;
    else if (fields[i] === 'e') text = value;
  }
  return orderId && text && Number.isInteger(seq) ? { orderId, seq, status, text } : null;
}
