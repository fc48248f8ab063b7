// An order as web/dex-client.js follows it: the updates delivered so far, its listeners and
// iterators, and its end. The client decides what is delivered (once, in seq order); this hands it out.

export const TERMINAL = new Set(['confirmed', 'failed', 'cancelled', 'expired']);

/** An order the client follows: its updates, handed out once each and in seq order, until it ends. */
export function track(orderId, clientOrderId, lastSeq) {
  const listeners = new Set();
  const updates = [];
  const waiting = [];
  const done = deferred();
  let failure = null;
  const order = {
    orderId,
    clientOrderId,
    lastSeq,
    acked: orderId !== undefined,
    refilling: false,
    buffer: new Map(),
    emit(update) {
      updates.push(update);
      for (const listener of listeners) listener(update);
      for (const wake of waiting.splice(0)) wake();
      if (isEnd(update)) done.resolve(update);
    },
    /** The client closed (or its key changed) before the order ended: its waiters learn why. */
    fail(error) {
      failure = error;
      done.reject(error);
      for (const wake of waiting.splice(0)) wake();
    },
  };
  order.handle = {
    get orderId() {
      return order.orderId;
    },
    clientOrderId,
    get lastSeq() {
      return order.lastSeq;
    },
    /** Resolves with the terminal event. */
    done: done.promise,
    /** Calls `listener` with each update from now on (in seq order). */
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Every update so far and to come, in seq order, ending after the terminal one. */
    async *updates() {
      for (let i = 0; ; i++) {
        while (i >= updates.length) {
          if (failure) throw failure;
          await new Promise((wake) => waiting.push(wake));
        }
        yield updates[i];
        if (isEnd(updates[i])) return;
      }
    },
  };
  return { order, done };
}

/** An order event with a terminal status (a duplicate ack names the status too, but is not the end). */
export const isEnd = (update) => update.type === 'order' && TERMINAL.has(update.status);

export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
