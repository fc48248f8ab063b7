import type { Logger } from '../log.js';
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
}

const TERMINAL = new Set(['confirmed', 'failed']);

/**
 * Delivers each watched order's updates to its sink exactly once and in seq order. Updates that
 * arrive early are held; a gap that is still open after `gapMs` is filled from the store (the
 * durable history), so a reordered or dropped bus message never leaves a client with a hole.
 */
export function createOrderFeed(deps: { loadAfter: (orderId: string, afterSeq: number) => Promise<OrderUpdate[]>; log: Logger; gapMs?: number }) {
  const { loadAfter, log } = deps;
  const gapMs = deps.gapMs ?? 250;
  const watches = new Map<string, Watch>();
  const bySink = new Map<Sink, Set<string>>();

  function unwatch(orderId: string): void {
    const watch = watches.get(orderId);
    if (!watch) return;
    clearTimeout(watch.gapTimer);
    watches.delete(orderId);
    bySink.get(watch.sink)?.delete(orderId);
  }

  function flush(watch: Watch): void {
    for (let event = watch.early.get(watch.next); event; event = watch.early.get(watch.next)) {
      watch.early.delete(watch.next);
      watch.next += 1;
      watch.sink.send(event.text);
      if (TERMINAL.has(event.status)) return unwatch(watch.orderId);
    }
    if (watch.early.size > 0 && !watch.gapTimer) {
      watch.gapTimer = setTimeout(() => void fillGap(watch), gapMs);
    }
  }

  async function fillGap(watch: Watch): Promise<void> {
    watch.gapTimer = undefined;
    if (watches.get(watch.orderId) !== watch || watch.early.size === 0) return;
    log.debug({ orderId: watch.orderId, next: watch.next }, 'filling an event gap from the store');
    try {
      for (const update of await loadAfter(watch.orderId, watch.next - 1)) deliver(toBusEvent(update));
    } catch (err) {
      log.warn({ err, orderId: watch.orderId }, 'could not fill an event gap; will retry');
      if (!watch.gapTimer && watches.get(watch.orderId) === watch) watch.gapTimer = setTimeout(() => void fillGap(watch), gapMs * 4);
    }
  }

  function deliver(event: BusEvent): void {
    const watch = watches.get(event.orderId);
    if (!watch || event.seq < watch.next) return; // not ours, or already delivered
    watch.early.set(event.seq, event);
    flush(watch);
  }

  return {
    /** Starts delivering `orderId`'s updates (from seq `fromSeq`) to `sink`. */
    watch(orderId: string, sink: Sink, fromSeq = 1): void {
      unwatch(orderId);
      watches.set(orderId, { orderId, sink, next: fromSeq, early: new Map(), gapTimer: undefined });
      let ids = bySink.get(sink);
      if (!ids) bySink.set(sink, (ids = new Set()));
      ids.add(orderId);
    },
    unwatch,
    /** Offers an update from the bus (or the ack from the submit path). */
    deliver,
    deliverUpdate: (update: OrderUpdate) => deliver(toBusEvent(update)),
    /** Forgets every order a closed connection watched. */
    dropSink(sink: Sink): void {
      for (const orderId of bySink.get(sink) ?? []) {
        const watch = watches.get(orderId);
        clearTimeout(watch?.gapTimer);
        watches.delete(orderId);
      }
      bySink.delete(sink);
    },
    get size() {
      return watches.size;
    },
  };
}

export type OrderFeed = ReturnType<typeof createOrderFeed>;

function toBusEvent(update: OrderUpdate): BusEvent {
  return { orderId: update.orderId, seq: update.seq, status: update.status, text: encodeServerMessage(update) };
}
