import type { RedisClient as Redis } from './connect.js';
import type { SlotSource, SlotUpdate } from '../../chain/ports.js';
import type { Logger } from '../../log.js';
import { withTimeout } from '../../util/with-timeout.js';

/** Longest a blocking read waits before it looks again (so a close is noticed). */
const BLOCK_MS = 2_000;

/**
 * slotSubscribe over the chain's stream: the newest slot at start, then every slot as it is
 * published. Holds its own connection (blocking reads); `close` ends it.
 */
export async function startSlotStream(options: { redis: Redis; streamKey: string; log: Logger; now?: () => number }) {
  const { redis, streamKey, log } = options;
  const now = options.now ?? Date.now;
  const listeners = new Set<(update: SlotUpdate) => void>();
  let latest: SlotUpdate | null = null;
  let receivedAt: number | null = null;
  let lastId = '$';
  let closed = false;

  const accept = (id: string, fields: string[]) => {
    lastId = id;
    const text = fields[fields.indexOf('state') + 1];
    if (!text) return;
    // Stream order is the truth: a chain that lost its state restarts at a lower slot, and that
    // newer entry still replaces the older one.
    const update = JSON.parse(text) as SlotUpdate;
    latest = update;
    receivedAt = now();
    for (const listener of listeners) listener(update);
  };

  // The newest slot now, so a process started mid-run can quote at once (not waiting on a Redis that is down).
  try {
    const [newest] = await withTimeout(redis.xrevrange(streamKey, '+', '-', 'COUNT', 1), BLOCK_MS);
    if (newest) accept(newest[0], newest[1]);
  } catch (err) {
    log.warn({ err }, 'could not read the newest slot; waiting for the next one');
  }

  const done = (async () => {
    while (!closed) {
      try {
        const reply = await redis.xread('COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', streamKey, lastId);
        if (!reply) continue;
        for (const [, entries] of reply) for (const [id, fields] of entries) accept(id, fields);
      } catch (err) {
        if (closed) break;
        log.warn({ err }, 'slot stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  const source: SlotSource = {
    latest: () => latest,
    latestReceivedAt: () => receivedAt,
    onSlot(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    ...source,
    async close() {
      closed = true;
      redis.disconnect(); // aborts the blocking read
      await done;
    },
  };
}

export type SlotStream = Awaited<ReturnType<typeof startSlotStream>>;
