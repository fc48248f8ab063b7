import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/log.js';
import type { NewOrder } from './insert-orders.js';
import type { OrderFeed, Sink } from './order-feed.js';
import { ackMessage, decodeMessage, errorMessage } from './protocol.js';

export interface SessionDeps {
  /** Stores the order with its ack event and queues it; false when its clientOrderId is taken. */
  readonly intake: (order: NewOrder) => Promise<boolean>;
  readonly feed: OrderFeed;
  readonly now: () => number;
  readonly log: Logger;
}

/**
 * One connection's protocol: every text frame is a submit; its ack goes out through the feed once
 * the order and its ack event are committed and its job is queued, ahead of the order's events.
 */
export function createSession(deps: SessionDeps, sink: Sink) {
  const { intake, feed, now, log } = deps;
  return {
    onText(text: string): void {
      const decoded = decodeMessage(text);
      if (!decoded.ok) return sink.send(errorMessage(decoded.code, decoded.message, decoded.reqId));
      const { submit } = decoded;
      const orderId = randomUUID();
      const ackText = ackMessage(submit, orderId, now());
      // Watched before it is queued: an event that overtakes the ack is held, never lost.
      feed.watch(orderId, sink);
      const order = { id: orderId, clientOrderId: submit.clientOrderId ?? null, side: submit.side, pair: submit.pair, amount: submit.amount, slippageBps: submit.slippageBps, ackText };
      intake(order).then(
        (created) => {
          if (created) return feed.deliver(orderId, 1, ackText);
          feed.unwatch(orderId);
          sink.send(errorMessage('DUPLICATE_CLIENT_ORDER_ID', 'this clientOrderId already names an order (the ceiling does not look it up)', submit.reqId));
        },
        (err: unknown) => {
          feed.unwatch(orderId);
          log.error({ err, orderId }, 'submit failed');
          sink.send(errorMessage('INTERNAL_ERROR', 'the order could not be stored; it was not placed', submit.reqId, true));
        },
      );
    },
  };
}
