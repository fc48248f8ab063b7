import { ERRORS, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import { decodeClientMessage } from '../protocol/decode.js';
import type { SubmitMessage } from '../protocol/client-messages.js';
import { encodeServerMessage, type ErrorMessage, type ServerMessage } from '../protocol/server-messages.js';
import type { SubmitResult } from '../orders/submit-order.js';
import type { OrderFeed, Sink } from './order-feed.js';

export interface SessionDeps {
  readonly submitOrder: (message: SubmitMessage, watch: (orderId: string) => void) => Promise<SubmitResult>;
  readonly feed: OrderFeed;
  readonly now: () => number;
  readonly pairs: readonly string[];
  /** False once shutdown has begun: new orders are refused with SHUTTING_DOWN. */
  readonly accepting: () => boolean;
}

/**
 * One client connection's protocol logic, free of any socket library: decodes each text frame,
 * dispatches on `op`, and answers on `sink`. Bad input gets an error reply; the connection lives on.
 */
export function createSession(deps: SessionDeps, sink: Sink, log: Logger) {
  const send = (message: ServerMessage) => sink.send(encodeServerMessage(message));
  const error = (code: ErrorCode, message: string, extra: { field?: string; reqId?: string } = {}): ErrorMessage => ({
    type: 'error',
    ...(extra.reqId !== undefined && { reqId: extra.reqId }),
    code,
    message,
    ...(extra.field !== undefined && { field: extra.field }),
    retryable: ERRORS[code].retryable,
  });

  async function submit(message: SubmitMessage): Promise<void> {
    if (!deps.accepting()) return send(error('SHUTTING_DOWN', ERRORS.SHUTTING_DOWN.message, { reqId: message.reqId }));
    const result = await deps.submitOrder(message, (orderId) => deps.feed.watch(orderId, sink));
    if (!result.ok) return send(error(result.error.code, result.error.message, { field: result.error.field, reqId: message.reqId }));
    log.debug({ orderId: result.ack.orderId, reqId: message.reqId }, 'order accepted');
    deps.feed.deliverUpdate(result.ack);
  }

  return {
    hello(): void {
      send({ type: 'hello', protocol: 1, pairs: deps.pairs, ts: deps.now() });
    },

    /** Handles one text frame; never throws. */
    async onText(text: string): Promise<void> {
      const decoded = decodeClientMessage(text);
      if (!decoded.ok) {
        const { code, message, field, reqId } = decoded.error;
        return send(error(code, message, { field, reqId }));
      }
      const message = decoded.message;
      try {
        switch (message.op) {
          case 'submit':
            return await submit(message);
          case 'ping':
            return send({ type: 'pong', ...(message.reqId !== undefined && { reqId: message.reqId }), ts: deps.now() });
          default:
            return assertNever(message);
        }
      } catch (err) {
        log.error({ err, op: message.op }, 'request failed');
        send(error('INTERNAL_ERROR', ERRORS.INTERNAL_ERROR.message, { reqId: message.reqId }));
      }
    },

    onBinary(): void {
      send(error('INVALID_MESSAGE', 'frames must be UTF-8 text carrying one JSON object'));
    },

    onClose(): void {
      deps.feed.dropSink(sink);
    },
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
