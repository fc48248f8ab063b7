// The one client of the dex-order-engine protocol (docs/asyncapi.yaml), for the browser and for
// Node (pass `WebSocket` from the `ws` package). Plain ES module, no build step; types in
// dex-client.d.ts. It opens one socket with the API key, resolves replies by reqId, delivers each
// order's updates once and in seq order, reconnects with capped jittered backoff and then resumes
// every order in flight from its last seq, resubmits an unanswered submit with the same
// clientOrderId (the server never makes a second order of it), and retries retryable refusals
// after their retryAfterMs.

import { TERMINAL, deferred, isEnd, track } from './order-stream.js';

/** Requests a lost connection may send again as they are: they read, or set what they set twice. */
const REPEATABLE = new Set(['get', 'list', 'subscribe', 'unsubscribe', 'quote', 'pairs', 'ping', 'cancelAllAfter']);
/** Orders remembered after their end, so a late copy of one of their updates is known as a repeat. */
const MAX_ENDED = 10_000;
const OPEN = 1;

/** A refusal from the server (its code, message, field, retryAfterMs), or a client-side one (DISCONNECTED, TIMEOUT, CLOSED, KEY_CHANGED). */
export class DexError extends Error {
  /** @param {{ type?: string, code: string, message: string, field?: string, retryable?: boolean, retryAfterMs?: number, status?: string }} reply */
  constructor(reply) {
    super(reply.message);
    this.name = 'DexError';
    this.code = reply.code;
    this.field = reply.field;
    this.retryable = reply.retryable ?? false;
    this.retryAfterMs = reply.retryAfterMs;
    this.status = reply.status;
    /** The server's error reply itself (absent for the client's own codes). */
    this.reply = reply.type === 'error' ? reply : undefined;
  }
}

const clientError = (code, message, retryable = false) => new DexError({ code, message, retryable });

/** @param {import('./dex-client.js').DexClientOptions} options */
export function createDexClient(options) {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const backoff = { minMs: 250, maxMs: 10_000, ...options.backoff };
  const retry = options.retry === false ? { attempts: 0, maxWaitMs: 0 } : { attempts: 5, maxWaitMs: 30_000, ...options.retry };
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const reconnect = options.reconnect ?? true;
  const repairGaps = options.repairGaps ?? true;
  const on = options.on ?? {};
  /** Requests sent and not answered, by reqId. */
  const pending = new Map();
  /** Orders followed until they end, by orderId. */
  const orders = new Map();
  /** The last seq of orders that ended lately (a later copy of their updates is a repeat). */
  const ended = new Map();
  /** Submits not acked yet, by reqId. */
  const submits = new Map();
  /** Retries waiting for their retryAfterMs. */
  const retries = new Set();
  let socket = null;
  let attempt = 0;
  let timer = null;
  let counter = 0;
  let stopped = false;
  let everOpened = false;
  let lastError = '';
  let lastKey;
  const opened = deferred();
  const idPrefix = Math.random().toString(36).slice(2, 8);
  const nextId = (prefix) => `${prefix}${idPrefix}${(counter++).toString(36)}`;
  const valueOf = (option) => (typeof option === 'function' ? option() : option);

  function connect() {
    const key = valueOf(options.key);
    if (everOpened && key !== lastKey) keyChanged();
    lastKey = key;
    on.state?.({ name: attempt === 0 ? 'connecting' : 'reconnecting', attempt });
    const url = valueOf(options.url);
    const protocols = key ? [key] : [];
    socket = options.socketOptions ? new Socket(url, protocols, options.socketOptions) : new Socket(url, protocols);
    const current = socket;
    let wasOpen = false;
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
        if (!request.sent) continue; // still waiting for a connection, within its timeout
        clearTimeout(request.timer); // the wait for a reply starts again when it is sent again
        if (request.submit || REPEATABLE.has(request.message.op)) continue; // sent again on reconnect
        pending.delete(reqId);
        request.reject(clientError('DISCONNECTED', 'the connection was lost before the reply; the request may or may not have been carried out', true));
      }
      if (stopped || !reconnect) {
        const reason = !wasOpen && !everOpened ? `could not connect to ${url}${lastError ? `: ${lastError}` : ''}` : 'the connection is closed';
        shutDown(clientError(stopped ? 'CLOSED' : 'DISCONNECTED', stopped ? 'the client is closed' : reason, !stopped));
        on.state?.({ name: 'closed' });
        return;
      }
      attempt += 1;
      const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      on.state?.({ name: 'offline', retryInMs: delay, attempt, neverOpened: !wasOpen && !everOpened });
      timer = setTimeout(connect, delay);
    };
  }

  /** Another key is another account: what was sent under the old one is not sent again under the new one. */
  function keyChanged() {
    everOpened = false;
    const error = clientError('KEY_CHANGED', 'the API key changed before the reply; the request may or may not have been carried out');
    for (const [reqId, request] of pending) {
      pending.delete(reqId);
      request.reject(error);
    }
    submits.clear();
    for (const order of orders.values()) order.fail(error);
    orders.clear();
  }

  /** After a (re)connect: what was sent and not answered goes again, and every order in flight resumes from its last seq. */
  function resume() {
    for (const request of pending.values()) transmit(request);
    for (const order of orders.values()) {
      if (!order.acked) continue; // its submit is in `pending` and goes again, with its clientOrderId
      request({ op: 'subscribe', orderId: order.orderId, fromSeq: order.lastSeq }).catch((err) => on.error?.(err));
    }
  }

  /** Sends a request if the socket is open, and from then waits requestTimeoutMs for its reply. */
  function transmit(request) {
    if (socket?.readyState !== OPEN) return; // sent on (re)connect
    clearTimeout(request.timer);
    request.sent = true;
    const { reqId } = request.message;
    request.timer = setTimeout(() => {
      pending.delete(reqId);
      submits.delete(reqId);
      request.reject(clientError('TIMEOUT', `no reply to ${request.message.op} within ${requestTimeoutMs} ms; it may or may not have been carried out`, true));
    }, requestTimeoutMs);
    socket.send(JSON.stringify(request.message));
  }

  function receive(message) {
    if (message.type === 'ack' || message.type === 'order') {
      const submit = message.type === 'ack' && message.reqId !== undefined ? submits.get(message.reqId) : undefined;
      if (submit) acked(submit, message);
      else {
        const order = orders.get(message.orderId);
        if (order) deliver(order, message);
        else if (ended.has(message.orderId) && message.seq <= ended.get(message.orderId)) on.anomaly?.({ kind: 'duplicate', update: message });
        else on.update?.(message); // an order this client does not follow (another tab's, say): passed on as it comes
      }
    }
    const request = message.reqId !== undefined && message.type !== 'order' ? pending.get(message.reqId) : undefined;
    if (request) answer(request, message);
    if (message.type !== 'ack' && message.type !== 'order') on.message?.(message);
  }

  /** A submit's ack: from now on its order is followed by id. */
  function acked(order, ack) {
    submits.delete(ack.reqId);
    order.acked = true;
    order.orderId = ack.orderId;
    if (!ack.duplicate) {
      orders.set(ack.orderId, order);
      return deliver(order, ack);
    }
    // Sent again after a lost connection, and the first one had got through: this reply stands
    // for the ack (seq 1), and the server replays what followed it.
    order.lastSeq = 1;
    order.emit(ack);
    on.update?.(ack);
    if (TERMINAL.has(ack.status) && ack.lastSeq <= 1) finish(order);
    else orders.set(ack.orderId, order);
  }

  function answer(request, reply) {
    pending.delete(request.message.reqId);
    clearTimeout(request.timer);
    if (reply.type !== 'error') return request.resolve(reply);
    submits.delete(request.message.reqId);
    const error = new DexError(reply);
    // Retried only when the server says when (retryAfterMs): a retryable refusal without it (a
    // limit reached, shutting down) is the caller's to decide on.
    const waitMs = reply.retryAfterMs;
    if (!reply.retryable || waitMs === undefined || request.tries > retry.attempts || waitMs > retry.maxWaitMs || stopped) return request.reject(error);
    on.retry?.({ message: request.message, error, inMs: waitMs });
    // Again after the wait the server asked for, under a new reqId (a submit keeps its clientOrderId).
    const waiting = { reject: request.reject, timer: null };
    waiting.timer = setTimeout(() => {
      retries.delete(waiting);
      if (stopped) return request.reject(clientError('CLOSED', 'the client is closed'));
      send(request, { ...request.message, reqId: nextId('r') });
    }, waitMs);
    retries.add(waiting);
  }

  /** An order's updates go out once each and in seq order; a gap waits for the missing ones (asked for at once, unless repairGaps is off). */
  function deliver(order, update) {
    if (update.seq <= order.lastSeq || order.buffer.has(update.seq)) return on.anomaly?.({ kind: 'duplicate', update });
    if (update.seq !== order.lastSeq + 1) {
      on.anomaly?.({ kind: 'gap', update, expected: order.lastSeq + 1 });
      order.buffer.set(update.seq, update);
      if (repairGaps && !order.refilling && order.acked) {
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
      if (isEnd(next)) return finish(order);
      next = order.buffer.get(order.lastSeq + 1);
    }
  }

  /** An order that ended: no longer followed, remembered a while to know its late repeats. */
  function finish(order) {
    orders.delete(order.orderId);
    ended.set(order.orderId, order.lastSeq);
    if (ended.size > MAX_ENDED) ended.delete(ended.keys().next().value);
  }

  function send(request, message) {
    request.tries += 1;
    request.message = message;
    if (request.submit) submits.set(message.reqId, request.submit);
    pending.set(message.reqId, request);
    if (socket?.readyState === OPEN) return transmit(request);
    // Not connected now: it goes out on the (re)connect, if that comes within requestTimeoutMs.
    clearTimeout(request.timer);
    request.timer = setTimeout(() => {
      pending.delete(message.reqId);
      submits.delete(message.reqId);
      request.reject(clientError('DISCONNECTED', `not connected within ${requestTimeoutMs} ms; it was not sent`, true));
    }, requestTimeoutMs);
  }

  /** Sends a request and resolves with its reply; a refusal rejects with a DexError (after the retries a retryable one gets). */
  function request(message, submit) {
    if (stopped) return Promise.reject(clientError('CLOSED', 'the client is closed'));
    return new Promise((resolve, reject) => {
      send({ resolve, reject, tries: 0, timer: null, sent: false, submit, message }, { ...message, reqId: message.reqId ?? nextId('r') });
    });
  }

  /** Everything pending and every order followed learns `error`; nothing is retried any more. */
  function shutDown(error) {
    stopped = true;
    clearTimeout(timer);
    for (const entry of retries) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    retries.clear();
    for (const request of pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    pending.clear();
    submits.clear();
    for (const order of orders.values()) order.fail(error);
    orders.clear();
    opened.reject(error);
  }

  connect();

  return {
    get open() {
      return socket?.readyState === OPEN;
    },
    /** Resolves once the socket is open (the first time); rejects if the client closes first. */
    opened: () => opened.promise,
    request: (message) => request(message),

    /**
     * Submits an order (any type). Without a clientOrderId it gets one, so a submit sent again
     * after a lost connection is recognised by the server as the same order. Resolves with the
     * order's handle once acked (a duplicate ack, too); rejects with the refusal.
     */
    async submit(fields) {
      const clientOrderId = fields.clientOrderId ?? nextId('c');
      const { order, done } = track(undefined, clientOrderId, 0);
      try {
        // The ack itself reaches the order as it arrives (receive), before this resolves.
        const ack = await request({ ...fields, op: 'submit', clientOrderId }, order);
        return Object.assign(order.handle, { ack });
      } catch (err) {
        done.reject(err);
        throw err;
      }
    },

    /** Follows an existing order from `fromSeq` (0: from its ack): its events are replayed, then streamed. */
    async follow(orderId, fromSeq = 0) {
      const existing = orders.get(orderId);
      if (existing) return existing.handle;
      const { order } = track(orderId, undefined, fromSeq);
      orders.set(orderId, order);
      try {
        const reply = await request({ op: 'subscribe', orderId, fromSeq });
        // Ended with nothing after fromSeq: no event comes, so its end is read back.
        if (TERMINAL.has(reply.status) && reply.lastSeq <= fromSeq && orders.get(orderId) === order) {
          const state = await request({ op: 'get', orderId });
          const last = state.events.at(-1);
          finish(order);
          if (last && isEnd(last)) order.emit(last);
        }
        return order.handle;
      } catch (err) {
        if (orders.get(orderId) === order) orders.delete(orderId);
        throw err;
      }
    },

    /** Drops the socket; the client reconnects and resumes (tests and the page use it). */
    drop() {
      socket?.close();
    },

    /** Closes for good: what is pending, and every order followed, is rejected with CLOSED. */
    close() {
      if (stopped) return;
      shutDown(clientError('CLOSED', 'the client is closed'));
      socket?.close();
    },
  };
}
