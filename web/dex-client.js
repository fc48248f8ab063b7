// The one client of the dex-order-engine protocol (docs/asyncapi.yaml), for the browser and for
// Node (pass `WebSocket` from the `ws` package). Plain ES module, no build step; types in
// dex-client.d.ts. It opens one socket with the API key, resolves replies by reqId, delivers each
// order's updates once and in seq order, reconnects with capped jittered backoff and then resumes
// every order in flight from its last seq, resubmits an unanswered submit with the same
// clientOrderId (the server never makes a second order of it), and retries retryable refusals
// after their retryAfterMs.

const TERMINAL = new Set(['confirmed', 'failed', 'cancelled', 'expired']);
/** Requests a lost connection may send again as they are: they read, or set what they set twice. */
const REPEATABLE = new Set(['get', 'list', 'subscribe', 'unsubscribe', 'quote', 'pairs', 'ping', 'cancelAllAfter']);
const OPEN = 1;

/** A refusal from the server (its code, message, field, retryAfterMs), or a client-side one (DISCONNECTED, TIMEOUT, CLOSED). */
export class DexError extends Error {
  /** @param {{ code: string, message: string, field?: string, retryable?: boolean, retryAfterMs?: number, status?: string }} reply */
  constructor(reply) {
    super(reply.message);
    this.name = 'DexError';
    this.code = reply.code;
    this.field = reply.field;
    this.retryable = reply.retryable ?? false;
    this.retryAfterMs = reply.retryAfterMs;
    this.status = reply.status;
    /** The server's error reply itself (absent for the client's own DISCONNECTED, TIMEOUT, CLOSED). */
    this.reply = reply.type === 'error' ? reply : undefined;
  }
}

/** @param {import('./dex-client.js').DexClientOptions} options */
export function createDexClient(options) {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const backoff = { minMs: 250, maxMs: 10_000, ...options.backoff };
  const retry = options.retry === false ? { attempts: 0, maxWaitMs: 0 } : { attempts: 5, maxWaitMs: 30_000, ...options.retry };
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const reconnect = options.reconnect ?? true;
  const on = options.on ?? {};
  /** Requests sent and not answered, by reqId. */
  const pending = new Map();
  /** Orders followed until they end, by orderId. */
  const orders = new Map();
  /** Submits not acked yet, by reqId. */
  const submits = new Map();
  let socket = null;
  let attempt = 0;
  let timer = null;
  let counter = 0;
  let stopped = false;
  let everOpened = false;
  let lastError = '';
  let opened = null;
  const idPrefix = Math.random().toString(36).slice(2, 8);
  const nextId = (prefix) => `${prefix}${idPrefix}${(counter++).toString(36)}`;

  function connect() {
    on.state?.({ name: attempt === 0 ? 'connecting' : 'reconnecting', attempt });
    const key = typeof options.key === 'function' ? options.key() : options.key;
    const protocols = key ? [key] : [];
    socket = options.socketOptions ? new Socket(options.url, protocols, options.socketOptions) : new Socket(options.url, protocols);
    const current = socket;
    let wasOpen = false;
    opened ??= deferred();
    current.onopen = () => {
      wasOpen = everOpened = true;
      attempt = 0;
      on.state?.({ name: 'connected' });
      resume();
      opened.resolve();
      on.open?.();
    };
    current.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
      } catch {
        return; // the server sends only JSON
      }
      receive(message);
    };
    // A close follows; its reason (a refused upgrade: "Unexpected server response: 401") is kept for the rejection.
    current.onerror = (event) => (lastError = event?.message ?? event?.error?.message ?? lastError);
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      for (const [reqId, request] of pending) {
        if (request.submit || REPEATABLE.has(request.message.op)) continue; // sent again on reconnect
        pending.delete(reqId);
        clearTimeout(request.timer);
        request.reject(new DexError({ code: 'DISCONNECTED', message: 'the connection was lost before the reply; the request may or may not have been carried out', retryable: true }));
      }
      if (stopped || !reconnect) {
        on.state?.({ name: 'closed' });
        failAll(new DexError({ code: 'CLOSED', message: 'the client is closed' }));
        if (!wasOpen && !everOpened) opened?.reject(new DexError({ code: 'DISCONNECTED', message: `could not connect to ${options.url}${lastError ? `: ${lastError}` : ''}`, retryable: true }));
        return;
      }
      attempt += 1;
      const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      on.state?.({ name: 'offline', retryInMs: delay, attempt, neverOpened: !everOpened });
      timer = setTimeout(connect, delay);
    };
  }

  /** After a (re)connect: what was sent and not answered goes again, and every order in flight resumes from its last seq. */
  function resume() {
    for (const request of pending.values()) transmit(request);
    for (const order of orders.values()) {
      if (!order.acked) continue; // its submit is in `pending` and goes again, with its clientOrderId
      request({ op: 'subscribe', orderId: order.orderId, fromSeq: order.lastSeq }).catch((err) => on.error?.(err));
    }
  }

  function transmit(request) {
    if (socket?.readyState !== OPEN) return; // sent on (re)connect
    socket.send(JSON.stringify(request.message));
  }

  function receive(message) {
    if (message.type === 'ack' || message.type === 'order') {
      const submit = message.type === 'ack' && message.reqId !== undefined ? submits.get(message.reqId) : undefined;
      if (submit) {
        submits.delete(message.reqId);
        submit.acked = true;
        submit.orderId = message.orderId;
        if (message.duplicate) {
          // Sent again after a lost connection, and the first one had got through: this reply
          // stands for the ack, and the server replays what followed it (seq 2 on).
          submit.lastSeq = 1;
          submit.emit(message);
          on.update?.(message);
          if (!TERMINAL.has(message.status) || message.lastSeq > 1) orders.set(message.orderId, submit);
        } else orders.set(message.orderId, submit);
      }
      const order = orders.get(message.orderId);
      if (order && !message.duplicate) deliver(order, message);
      else on.update?.(message); // an order this client does not follow (another tab's, say): passed on as it comes
    }
    const request = message.reqId !== undefined && message.type !== 'order' ? pending.get(message.reqId) : undefined;
    if (request) answer(request, message);
    if (message.type !== 'ack' && message.type !== 'order') on.message?.(message);
  }

  function answer(request, reply) {
    pending.delete(request.message.reqId);
    if (request.submit) submits.delete(request.message.reqId);
    clearTimeout(request.timer);
    if (reply.type !== 'error') return request.resolve(reply);
    const error = new DexError(reply);
    // Retried only when the server says when (retryAfterMs): a retryable refusal without it (a
    // limit reached, shutting down) is the caller's to decide on.
    const waitMs = reply.retryAfterMs;
    if (!reply.retryable || waitMs === undefined || request.tries > retry.attempts || waitMs > retry.maxWaitMs || stopped) return request.reject(error);
    on.retry?.({ message: request.message, error, inMs: waitMs });
    // Again after the wait the server asked for, under a new reqId (a submit keeps its clientOrderId).
    setTimeout(() => send(request, { ...request.message, reqId: nextId('r') }), waitMs);
  }

  /** An order's updates go out once each and in seq order; a gap waits for a replay, asked for at once. */
  function deliver(order, update) {
    if (update.seq <= order.lastSeq || order.buffer.has(update.seq)) return on.anomaly?.({ kind: 'duplicate', update });
    if (update.seq !== order.lastSeq + 1) {
      on.anomaly?.({ kind: 'gap', update, expected: order.lastSeq + 1 });
      order.buffer.set(update.seq, update);
      if (!order.refilling && order.acked) {
        order.refilling = true;
        request({ op: 'subscribe', orderId: order.orderId, fromSeq: order.lastSeq })
          .catch((err) => on.error?.(err))
          .finally(() => (order.refilling = false));
      }
      return;
    }
    let next = update;
    while (next) {
      order.buffer.delete(next.seq);
      order.lastSeq = next.seq;
      order.emit(next);
      on.update?.(next);
      if (TERMINAL.has(next.status)) {
        orders.delete(order.orderId);
        return;
      }
      next = order.buffer.get(order.lastSeq + 1);
    }
  }

  function send(request, message) {
    request.tries += 1;
    request.message = message;
    if (request.submit) submits.set(message.reqId, request.submit);
    pending.set(message.reqId, request);
    clearTimeout(request.timer);
    request.timer = setTimeout(() => {
      pending.delete(message.reqId);
      if (request.submit) submits.delete(message.reqId);
      request.reject(new DexError({ code: 'TIMEOUT', message: `no reply to ${message.op} within ${requestTimeoutMs} ms`, retryable: true }));
    }, requestTimeoutMs);
    transmit(request);
  }

  /** Sends a request and resolves with its reply; a refusal rejects with a DexError (after the retries a retryable one gets). */
  function request(message, submit) {
    if (stopped) return Promise.reject(new DexError({ code: 'CLOSED', message: 'the client is closed' }));
    return new Promise((resolve, reject) => {
      send({ resolve, reject, tries: 0, timer: null, submit, message }, { ...message, reqId: message.reqId ?? nextId('r') });
    });
  }

  /** Follows an order: its updates once each, in seq order, until it ends. */
  function track(orderId, clientOrderId, lastSeq) {
    const listeners = new Set();
    const updates = [];
    const waiting = [];
    const done = deferred();
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
    };
    const handle = {
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
          while (i >= updates.length) await new Promise((wake) => waiting.push(wake));
          yield updates[i];
          if (isEnd(updates[i])) return;
        }
      },
    };
    order.handle = handle;
    done.promise.catch(() => undefined);
    return { order, handle, done };
  }

  function failAll(error) {
    for (const request of pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    pending.clear();
    submits.clear();
  }

  connect();

  return {
    get open() {
      return socket?.readyState === OPEN;
    },
    /** Resolves once the socket is open (the first time), or rejects if it never opens and the client does not reconnect. */
    opened: () => opened.promise,
    request: (message) => request(message),

    /**
     * Submits an order (any type). Without a clientOrderId it gets one, so a submit sent again
     * after a lost connection is recognised by the server as the same order. Resolves with the
     * order's handle once acked (a duplicate ack, too); rejects with the refusal.
     */
    async submit(fields) {
      const clientOrderId = fields.clientOrderId ?? nextId('c');
      const { order, handle, done } = track(undefined, clientOrderId, 0);
      try {
        // The ack itself reaches the order as it arrives (receive), before this resolves.
        const ack = await request({ ...fields, op: 'submit', clientOrderId }, order);
        return Object.assign(handle, { ack });
      } catch (err) {
        done.reject(err);
        throw err;
      }
    },

    /** Follows an existing order from `fromSeq` (0: from its ack): its events are replayed, then streamed. */
    async follow(orderId, fromSeq = 0) {
      const existing = orders.get(orderId);
      if (existing) return existing.handle;
      const { order, handle } = track(orderId, undefined, fromSeq);
      orders.set(orderId, order);
      const reply = await request({ op: 'subscribe', orderId, fromSeq });
      if (TERMINAL.has(reply.status) && reply.lastSeq <= fromSeq) orders.delete(orderId);
      return handle;
    },

    /** Drops the socket; the client reconnects and resumes (tests and the page use it). */
    drop() {
      socket?.close();
    },

    /** Closes for good: what is pending is rejected with CLOSED. */
    close() {
      stopped = true;
      clearTimeout(timer);
      failAll(new DexError({ code: 'CLOSED', message: 'the client is closed' }));
      socket?.close();
    },
  };
}

/** An order event with a terminal status (a duplicate ack names the status too, but is not the end). */
const isEnd = (update) => update.type === 'order' && TERMINAL.has(update.status);

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
