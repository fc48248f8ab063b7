/** Where an order's messages go: the socket that submitted it. */
export interface Sink {
  send(text: string): void;
}

/** The last seq of every order here (confirmed): the watch ends with it. */
const LAST_SEQ = 5;

interface Watch {
  readonly sink: Sink;
  next: number;
  early: Map<number, string> | undefined;
}

/**
 * Delivers each order's ack and events to the socket that submitted it, exactly once and in seq
 * order: an event that arrives before the one it follows (the ack still on its way, say) is held
 * until that one is delivered. Unlike the engine's feed it never fills a gap from PostgreSQL.
 */
export function createOrderFeed() {
  const watches = new Map<string, Watch>();
  return {
    /** Starts collecting `orderId`'s messages for `sink`, from seq 1 (its ack). */
    watch(orderId: string, sink: Sink): void {
      watches.set(orderId, { sink, next: 1, early: undefined });
    },
    unwatch(orderId: string): void {
      watches.delete(orderId);
    },
    /** Offers one message of an order (the ack from the submit path, an event from the stream). */
    deliver(orderId: string, seq: number, text: string): void {
      const watch = watches.get(orderId);
      if (!watch || seq < watch.next) return; // not ours, or delivered already
      if (seq > watch.next) return void (watch.early ??= new Map()).set(seq, text);
      watch.sink.send(text);
      watch.next += 1;
      for (let held = watch.early?.get(watch.next); held !== undefined; held = watch.early?.get(watch.next)) {
        watch.early!.delete(watch.next);
        watch.sink.send(held);
        watch.next += 1;
      }
      if (watch.next > LAST_SEQ) watches.delete(orderId);
    },
  };
}

export type OrderFeed = ReturnType<typeof createOrderFeed>;
