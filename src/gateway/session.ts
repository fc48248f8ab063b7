import { ERRORS } from '../errors.js';
import type { AmendResult } from '../orders/amend-order.js';
import type { CancelResult } from '../orders/cancel-order.js';
import type { OrderSelector } from '../orders/find-order.js';
import type { OrderCursor } from '../orders/ports.js';
import type { Logger } from '../util/logger.js';
import { decodeCursor } from '../orders/query-orders.js';
import { isTerminal, type OrderStatus } from '../orders/status.js';
import type { SubmitResult, Subscriber } from '../orders/submit-order.js';
import type {
  ClientMessage,
  ListMessage,
  OrderSubscribeMessage,
  QuoteMessage,
  SubmitMessage,
  TickerSubscribeMessage,
  UnsubscribeMessage,
} from '../protocol/client-messages.js';
import { decodeClientMessage } from '../protocol/decode.js';
import { errorReply } from './error-reply.js';
import {
  encodeServerMessage,
  type OrderSnapshot,
  type OrderUpdate,
  type PairInfo,
  type ServerMessage,
} from '../protocol/server-messages.js';
import type { Caller } from '../accounts/ports.js';
import type { Limits } from './limits.js';
import type { MarketData } from './market-data.js';
import type { OrderFeed } from './order-feed.js';
import { answerQuote } from './quote-reply.js';
import { tickerTopic } from './ticker.js';
import type { ClientSink } from './topics.js';

/** What a connection can ask of the engine. */
export interface SessionDeps {
  readonly submitOrder: (message: SubmitMessage, accountId: string, subscriber: Subscriber) => Promise<SubmitResult>;
  readonly cancelOrder: (selector: OrderSelector, accountId: string) => Promise<CancelResult>;
  /** Changes a resting order's terms (NOT_AMENDABLE once it has left `open`). */
  readonly amendOrder: (message: Extract<ClientMessage, { op: 'amend' }>, accountId: string) => Promise<AmendResult>;
  /** Cancels what the account can still cancel (of one pair, when given); the ids it cancelled. */
  readonly cancelAll: (accountId: string, pair?: string) => Promise<string[]>;
  /** Arms the account's dead-man switch `timeoutMs` from now (0 disarms); when it would fire, or 0. */
  readonly cancelAllAfter: (accountId: string, timeoutMs: number) => Promise<number>;
  readonly queries: {
    get(selector: OrderSelector, accountId: string): Promise<{ order: OrderSnapshot; events: OrderUpdate[] } | null>;
    list(query: { accountId: string; limit: number; before?: OrderCursor; status?: OrderStatus }): Promise<{ orders: OrderSnapshot[]; next: string | null }>;
  };
  readonly feed: OrderFeed;
  readonly now: () => number;
  /** The traded pairs: the default ones, then those launched so far. */
  readonly pairs: () => readonly PairInfo[];
  /** The latest slot's pools: quotes, and which pairs are live. */
  readonly marketData: MarketData;
  /** False once shutdown has begun: new orders are refused with SHUTTING_DOWN. */
  readonly accepting: () => boolean;
  /** Told of each message, ack and refusal (the metrics); labels only from the protocol's fixed sets. */
  readonly observer?: SessionObserver;
}

export interface SessionObserver {
  /** A frame came in: its op, or `invalid` when it is not a valid message. */
  message(op: ClientMessage['op'] | 'invalid'): void;
  /** A new order's ack went out this long after its submit came in. */
  acked(seconds: number): void;
  /** An error reply went out with this code. */
  refused(code: string): void;
}

/**
 * One client connection's protocol logic, free of any socket library: checks the rate budget,
 * decodes each text frame, dispatches on `op` within the caller's account, and answers on `sink`.
 * Bad input gets an error reply; the connection lives on.
 */
export function createSession(deps: SessionDeps, caller: Caller, limits: Limits, sink: ClientSink, log: Logger) {
  const { feed } = deps;
  const { accountId } = caller;
  let closed = false;
  // Nothing goes to a closed connection: a reply to a request still in flight at close is dropped.
  const observer = deps.observer;
  const send = (message: ServerMessage) => {
    if (closed) return;
    if (message.type === 'error') observer?.refused(message.code);
    sink.send(encodeServerMessage(message));
  };
  const error = errorReply;
  const rateLimited = (retryAfterMs: number, reqId?: string) =>
    send(error('RATE_LIMITED', `${ERRORS.RATE_LIMITED.message} (${retryAfterMs} ms)`, { retryAfterMs, ...(reqId !== undefined && { reqId }) }));
  const reqIdOf = (message: { reqId?: string }) => (message.reqId !== undefined ? { reqId: message.reqId } : {});
  const subscriber: Subscriber = {
    // A submit that finishes after its socket closed must not leave a watch behind.
    watch: (orderId) => (closed ? undefined : feed.watch(orderId, sink)),
    unwatch: (orderId) => feed.unwatch(orderId, sink),
  };
  // Submits run concurrently (a bot pipelines them); any other request waits for the submits sent
  // before it, so "submit, then cancel/get/subscribe it" works without waiting for the ack.
  const submitsInFlight = new Set<Promise<void>>();
  const afterEarlierSubmits = () => (submitsInFlight.size > 0 ? Promise.allSettled([...submitsInFlight]).then(() => undefined) : Promise.resolve());

  /** `receivedAt`: when its frame came in (performance.now()), for the ack latency. */
  async function submit(message: SubmitMessage, receivedAt: number): Promise<void> {
    if (!deps.accepting()) return send(error('SHUTTING_DOWN', ERRORS.SHUTTING_DOWN.message, reqIdOf(message)));
    const budget = await limits.submit();
    if (!budget.ok) return rateLimited(budget.retryAfterMs, message.reqId);
    const result = await deps.submitOrder(message, accountId, subscriber);
    if (!result.ok) return send(error(result.error.code, result.error.message, { field: result.error.field, retryAfterMs: result.error.retryAfterMs, ...reqIdOf(message) }));
    if ('duplicate' in result) {
      send(result.duplicate);
      // Replays what came after the ack, then streams the rest, unless this socket already follows it.
      if (closed || feed.isWatching(result.duplicate.orderId, sink)) return;
      return feed.subscribe(result.duplicate.orderId, sink, 1);
    }
    log.debug({ orderId: result.ack.orderId, reqId: message.reqId }, 'order accepted');
    feed.deliverUpdate(result.ack);
    observer?.acked((performance.now() - receivedAt) / 1000);
  }

  async function cancel(message: Extract<ClientMessage, { op: 'cancel' }>): Promise<void> {
    const result = await deps.cancelOrder(message, accountId);
    if (!result.ok) return send(error(result.code, result.message, { ...reqIdOf(message), ...(result.status && { status: result.status }) }));
    send({ type: 'cancelled', ...reqIdOf(message), orderId: result.orderId, seq: result.seq });
  }

  async function amend(message: Extract<ClientMessage, { op: 'amend' }>): Promise<void> {
    const result = await deps.amendOrder(message, accountId);
    if (!result.ok) {
      const extra = { ...reqIdOf(message), ...(result.field !== undefined && { field: result.field }), ...(result.status && { status: result.status }) };
      return send(error(result.code, result.message, extra));
    }
    send({ type: 'amended', ...reqIdOf(message), orderId: result.orderId, seq: result.seq });
  }

  async function cancelAll(message: Extract<ClientMessage, { op: 'cancelAll' }>): Promise<void> {
    if (message.pair !== undefined && !deps.pairs().some((pair) => pair.symbol === message.pair)) {
      return send(error('UNKNOWN_PAIR', `pair ${message.pair} is not traded here`, { field: 'pair', ...reqIdOf(message) }));
    }
    const orderIds = await deps.cancelAll(accountId, message.pair);
    send({ type: 'cancelled_all', ...reqIdOf(message), count: orderIds.length, orderIds });
  }

  async function get(message: Extract<ClientMessage, { op: 'get' }>): Promise<void> {
    const found = await deps.queries.get(message, accountId);
    if (!found) return send(error('ORDER_NOT_FOUND', ERRORS.ORDER_NOT_FOUND.message, reqIdOf(message)));
    send({ type: 'order_state', ...reqIdOf(message), order: found.order, events: found.events });
  }

  async function list(message: ListMessage): Promise<void> {
    let before: OrderCursor | undefined;
    if (message.before !== undefined) {
      const cursor = decodeCursor(message.before);
      if (!cursor) return send(error('INVALID_CURSOR', ERRORS.INVALID_CURSOR.message, { field: 'before', ...reqIdOf(message) }));
      before = cursor;
    }
    const page = await deps.queries.list({ accountId, limit: message.limit, ...(before && { before }), ...(message.status && { status: message.status }) });
    send({ type: 'orders', ...reqIdOf(message), orders: page.orders, next: page.next });
  }

  async function subscribe(message: OrderSubscribeMessage): Promise<void> {
    const found = await deps.queries.get({ orderId: message.orderId }, accountId);
    if (!found) return send(error('ORDER_NOT_FOUND', ERRORS.ORDER_NOT_FOUND.message, { field: 'orderId', ...reqIdOf(message) }));
    const { order } = found;
    send({ type: 'subscribed', ...reqIdOf(message), orderId: order.orderId, fromSeq: message.fromSeq, status: order.status, lastSeq: order.lastSeq });
    // A finished order with nothing after fromSeq has nothing more to say: no watch needed.
    if (closed || (isTerminal(order.status) && message.fromSeq >= order.lastSeq)) return;
    // An explicit subscribe restarts this socket's stream of the order from fromSeq, as asked.
    feed.unwatch(order.orderId, sink);
    await feed.subscribe(order.orderId, sink, message.fromSeq);
  }

  function quote(message: QuoteMessage): void {
    const outcome = answerQuote(message, deps);
    if (!outcome.ok) return send(error(outcome.code, outcome.message, { field: outcome.field, ...reqIdOf(message) }));
    send(outcome.reply);
  }

  // Only the pairs traded here become topics: a socket can join at most that many.
  const tradedPair = (message: { pair: string; reqId?: string }): boolean => {
    if (deps.pairs().some((pair) => pair.symbol === message.pair)) return true;
    send(error('UNKNOWN_PAIR', `pair ${message.pair} is not traded here`, { field: 'pair', ...reqIdOf(message) }));
    return false;
  };

  function subscribeTicker(message: TickerSubscribeMessage): void {
    if (closed || !tradedPair(message)) return;
    // The reply is queued before the socket joins the topic, so it reaches the client before any tick.
    send({ type: 'subscribed', ...reqIdOf(message), channel: message.channel, pair: message.pair });
    sink.subscribe(tickerTopic(message.pair));
  }

  function unsubscribe(message: UnsubscribeMessage): void {
    if (closed || !tradedPair(message)) return;
    // Left before the reply is queued: no tick follows the reply. Leaving a topic never joined is fine.
    sink.unsubscribe(tickerTopic(message.pair));
    send({ type: 'unsubscribed', ...reqIdOf(message), channel: message.channel, pair: message.pair });
  }

  function pairs(message: { reqId?: string }): void {
    const live = new Set(deps.marketData.livePairs().map((pair) => pair.symbol));
    send({ type: 'pairs', ...reqIdOf(message), pairs: deps.pairs().map((pair) => ({ ...pair, live: live.has(pair.symbol) })) });
  }

  return {
    hello(): void {
      send({ type: 'hello', protocol: 1, pairs: deps.pairs().map((pair) => pair.symbol), ts: deps.now() });
    },

    /** Handles one text frame; never throws. */
    async onText(text: string): Promise<void> {
      const receivedAt = performance.now();
      const decoded = decodeClientMessage(text);
      observer?.message(decoded.ok ? decoded.message.op : 'invalid');
      const reqId = decoded.ok ? decoded.message.reqId : decoded.error.reqId;
      try {
        const budget = await limits.message();
        if (!budget.ok) return rateLimited(budget.retryAfterMs, reqId);
      } catch (err) {
        log.error({ err }, 'message budget could not be checked');
        return send(error('INTERNAL_ERROR', ERRORS.INTERNAL_ERROR.message, reqId !== undefined ? { reqId } : {}));
      }
      if (!decoded.ok) {
        const { code, message, field } = decoded.error;
        return send(error(code, message, { field, reqId }));
      }
      const message = decoded.message;
      try {
        if (message.op === 'submit') {
          const running = submit(message, receivedAt);
          submitsInFlight.add(running);
          try {
            return await running;
          } finally {
            submitsInFlight.delete(running);
          }
        }
        if (!answeredAtOnce(message)) await afterEarlierSubmits();
        switch (message.op) {
          case 'amend':
            return await amend(message);
          case 'cancel':
            return await cancel(message);
          case 'cancelAll':
            return await cancelAll(message);
          case 'cancelAllAfter':
            return send({ type: 'cancel_all_after', ...reqIdOf(message), triggerAt: await deps.cancelAllAfter(accountId, message.timeoutMs) });
          case 'get':
            return await get(message);
          case 'list':
            return await list(message);
          case 'subscribe':
            return message.channel === undefined ? await subscribe(message) : subscribeTicker(message);
          case 'unsubscribe':
            return unsubscribe(message);
          case 'quote':
            return quote(message);
          case 'pairs':
            return pairs(message);
          case 'ping':
            return send({ type: 'pong', ...reqIdOf(message), ts: deps.now() });
          default:
            return assertNever(message);
        }
      } catch (err) {
        log.error({ err, op: message.op }, 'request failed');
        send(error('INTERNAL_ERROR', ERRORS.INTERNAL_ERROR.message, reqIdOf(message)));
      }
    },

    onBinary(): void {
      observer?.message('invalid');
      send(error('INVALID_MESSAGE', 'frames must be UTF-8 text carrying one JSON object'));
    },

    onClose(): void {
      closed = true;
      feed.dropSink(sink);
      limits.release();
    },
  };
}

/** Requests that never wait for the submits sent before them: ping, and market data (it does not depend on this socket's orders). */
function answeredAtOnce(message: ClientMessage): boolean {
  return message.op === 'ping' || message.op === 'quote' || message.op === 'unsubscribe' || (message.op === 'subscribe' && message.channel !== undefined);
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
