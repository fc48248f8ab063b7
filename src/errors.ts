/**
 * The catalogue of stable error codes. Codes are part of the wire protocol and never change
 * meaning; messages are for humans and may be reworded.
 */
export const ERRORS = {
  // Replies to a bad client message (the socket stays open).
  BAD_JSON: { retryable: false, message: 'the message is not valid JSON' },
  INVALID_MESSAGE: { retryable: false, message: 'the message must be a JSON object with an "op" field' },
  UNKNOWN_OP: { retryable: false, message: 'unknown op' },
  INVALID_ORDER: { retryable: false, message: 'the order is invalid' },
  UNKNOWN_PAIR: { retryable: false, message: 'the pair is not traded here' },
  DUPLICATE_CLIENT_ORDER_ID: { retryable: false, message: 'this clientOrderId already names a different order' },
  ORDER_NOT_FOUND: { retryable: false, message: 'no such order' },
  NOT_CANCELLABLE: { retryable: false, message: 'the order can no longer be cancelled' },
  NOT_AMENDABLE: { retryable: false, message: 'only a resting (open) order can be amended' },
  INVALID_CURSOR: { retryable: false, message: 'the cursor is not one this server gave out' },
  RATE_LIMITED: { retryable: true, message: 'too many requests; slow down and retry after retryAfterMs' },
  LIMIT_EXCEEDED: { retryable: true, message: 'a limit of this account or key is reached' },
  // Replies when the engine cannot take the order right now (nothing was acked).
  SERVICE_UNAVAILABLE: { retryable: true, message: 'the engine cannot take orders right now; try again' },
  SHUTTING_DOWN: { retryable: true, message: 'the server is shutting down; reconnect and try again' },
  OVERLOADED: { retryable: true, message: 'the engine cannot start more orders in time right now; retry after retryAfterMs' },
  INTERNAL_ERROR: { retryable: true, message: 'internal error' },
  // Reasons an acked order ends in `failed`.
  SLIPPAGE_EXCEEDED: { retryable: false, message: 'the fill was worse than the slippage limit allows' },
  INSUFFICIENT_LIQUIDITY: { retryable: false, message: 'no venue has the liquidity for this size' },
  EXECUTION_FAILED: { retryable: false, message: 'the transaction could not be submitted after every attempt' },
  QUEUE_UNAVAILABLE: { retryable: true, message: 'the order could not be queued' },
  // Why an acked order ends in `expired`.
  DEADLINE_EXCEEDED: { retryable: false, message: 'the order was not sent before its deadline' },
  LIMIT_NOT_REACHED: { retryable: false, message: 'the market did not reach the limit price (IOC: tried once)' },
  EXPIRED: { retryable: false, message: 'the order reached its expireAt while resting' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable code (and optionally the offending field), for failures that are thrown. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
