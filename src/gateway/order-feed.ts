import type { Logger } from '../util/logger.js';
import { isTerminal } from '../orders/status.js';
import { encodeServerMessage, type OrderUpdate } from '../protocol/server-messages.js';

/** One order update ready for the wire: serialized once, delivered to whoever watches the order. */
export interface BusEvent {
  readonly orderId: string;
  readonly seq: number;
  readonly status: string;
  readonly text: string;
}

/** Where a watched order's updates go (one client connection). */
export interface Sink {
  send(text: string): void;
}

interface Watch {
  readonly orderId: string;
  readonly sink: Sink;
  next: number;
  readonly early: Map<number, BusEvent>;
  gapTimer: NodeJS.Timeout | undefined;
  quietTimer: NodeJS.Timeout | undefined;
  quietMs: number;
}

export interface OrderFeedOptions {
  readonly loadAfter: (orderId: string, afterSeq: number) => Promise<OrderUpdate[]>;
  /**
   * Makes this gateway a follower of the order (its events are published here from then on); a
   * subscribe calls it before it replays the stored updates, so none falls between the two.
   */
  readonly follow?: (orderId: string) => Promise<void>;
  readonly log: Logger;
  /** How long an early update waits for the one before it before the store is asked. */
  readonly gapMs?: number;
  /** How long a live order may stay silent before the store is asked whether an update was missed. */
  readonly quietMs?: number;
}

/**
 * Delivers each watched order's updates to each watching sink exactly once and in seq order. An
 * update that arrives early is held; a gap still open after `gapMs` is filled from the store (the
 * durable history); and an order that goes quiet for `quietMs` is checked against the store too,
 * so even a lost final update reaches the client. Several sinks may watch one order.
 */
export function createOrderFeed(options: OrderFeedOptions) {
  const { loadAfter, log } = options;
  const gapMs = options.gapMs ?? 250;
  const quietMs = options.quietMs ?? 10_000;
  const watches = new Map<string, Map<Sink, Watch>>();
  const bySink = new Map<Sink, Set<string>>();

  function remove(watch: Watch): void {
    clearTimeout(watch.gapTimer);
    clearTimeout(watch.quietTimer);
    const sinks = watches.get(watch.orderId);
    if (sinks?.get(watch.sink) !== watch) return;
    sinks.delete(watch.sink);
    if (sinks.size === 0) watches.delete(watch.orderId);
    bySink.get(watch.sink)?.delete(watch.orderId);
  }

  const live = (watch: Watch) => watches.get(watch.orderId)?.get(watch.sink) === watch;

  function armQuiet(watch: Watch): void {
    clearTimeout(watch.quietTimer);
    watch.quietTimer = setTimeout(() => void catchUp(watch, 'quiet'), watch.quietMs);
    watch.quietTimer.unref?.();
  }

  function offer(watch: Watch, event: BusEvent): void {
    if (event.seq < watch.next) return; // already delivered
    watch.early.set(event.seq, event);
    let delivered = false;
    for (let next = watch.early.get(watch.next); next; next = watch.early.get(watch.next)) {
      watch.early.delete(watch.next);
      watch.next += 1;
      watch.sink.send(next.text);
      delivered = true;
      if (isTerminal(next.status)) return remove(watch);
    }
    if (delivered) {
      watch.quietMs = quietMs;
      armQuiet(watch);
    }
    if (watch.early.size > 0 && !watch.gapTimer) {
      watch.gapTimer = setTimeout(() => void catchUp(watch, 'gap'), gapMs);
    }
  }

  /** Asks the store for everything after what this watch has delivered. */
  async function catchUp(watch: Watch, why: 'gap' | 'quiet' | 'replay'): Promise<void> {
    if (why === 'gap') watch.gapTimer = undefined;
    if (!live(watch)) return;
    try {
      // Still a follower (one cut off by newer followers is added again), then what was missed.
      if (why === 'quiet') await options.follow?.(watch.orderId);
      const updates = await loadAfter(watch.orderId, watch.next - 1);
      if (why !== 'replay' && updates.length > 0) log.debug({ orderId: watch.orderId, why, count: updates.length }, 'recovered updates from the store');
      for (const update of updates) if (live(watch)) offer(watch, toBusEvent(update));
    } catch (err) {
      log.warn({ err, orderId: watch.orderId, why }, 'could not read updates from the store; will retry');
      if (why === 'replay') throw err;
    }
    if (why === 'quiet' && live(watch)) {
      watch.quietMs = Math.min(watch.quietMs * 2, 120_000);
      armQuiet(watch);
    }
    if (why === 'gap' && live(watch) && watch.early.size > 0 && !watch.gapTimer) {
      watch.gapTimer = setTimeout(() => void catchUp(watch, 'gap'), gapMs * 4);
    }
  }

  function watch(orderId: string, sink: Sink, fromSeq: number): Watch {
    const existing = watches.get(orderId)?.get(sink);
    if (existing) return existing;
    const created: Watch = { orderId, sink, next: fromSeq + 1, early: new Map(), gapTimer: undefined, quietTimer: undefined, quietMs };
    let sinks = watches.get(orderId);
    if (!sinks) watches.set(orderId, (sinks = new Map()));
    sinks.set(sink, created);
    let ids = bySink.get(sink);
    if (!ids) bySink.set(sink, (ids = new Set()));
    ids.add(orderId);
    armQuiet(created);
    return created;
  }

  return {
    /** Starts delivering `orderId`'s updates after seq `fromSeq` to `sink` (a no-op if it already watches). */
    watch(orderId: string, sink: Sink, fromSeq = 0): void {
      watch(orderId, sink, fromSeq);
    },

    /**
     * Watches from `fromSeq` and replays the stored updates after it. Live updates that arrive
     * meanwhile are held and merged by seq: no gap, no duplicate.
     */
    async subscribe(orderId: string, sink: Sink, fromSeq: number): Promise<void> {
      const created = watch(orderId, sink, fromSeq);
      await options.follow?.(orderId);
      await catchUp(created, 'replay');
    },

    isWatching: (orderId: string, sink: Sink): boolean => watches.get(orderId)?.has(sink) ?? false,

    unwatch(orderId: string, sink: Sink): void {
      const existing = watches.get(orderId)?.get(sink);
      if (existing) remove(existing);
    },

    /** Offers an update from the bus, or the ack from the submit path, to every watcher of its order. */
    deliver(event: BusEvent): void {
      const sinks = watches.get(event.orderId);
      if (!sinks) return;
      for (const each of [...sinks.values()]) offer(each, event);
    },

    deliverUpdate(update: OrderUpdate): void {
      const sinks = watches.get(update.orderId);
      if (!sinks) return;
      const event = toBusEvent(update);
      for (const each of [...sinks.values()]) offer(each, event);
    },

    /** Forgets every order a closed connection watched. */
    dropSink(sink: Sink): void {
      for (const orderId of [...(bySink.get(sink) ?? [])]) {
        const existing = watches.get(orderId)?.get(sink);
        if (existing) remove(existing);
      }
      bySink.delete(sink);
    },

    /** Number of (order, sink) watches. */
    get size() {
      let count = 0;
      for (const sinks of watches.values()) count += sinks.size;
      return count;
    },
  };
}

export type OrderFeed = ReturnType<typeof createOrderFeed>;

function toBusEvent(update: OrderUpdate): BusEvent {
  return { orderId: update.orderId, seq: update.seq, status: update.status, text: encodeServerMessage(update) };
}
