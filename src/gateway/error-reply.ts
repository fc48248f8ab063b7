import { ERRORS, type ErrorCode } from '../errors.js';
import type { ErrorMessage, OrderStatus } from '../protocol/server-messages.js';

/** What an error reply may add to its code and message. */
export interface ErrorExtra {
  readonly field?: string | undefined;
  readonly reqId?: string | undefined;
  readonly status?: OrderStatus | undefined;
  readonly retryAfterMs?: number | undefined;
}

/** The `error` reply for a code: its catalogue retryability, and only the extras it has. */
export function errorReply(code: ErrorCode, message: string, extra: ErrorExtra = {}): ErrorMessage {
  return {
    type: 'error',
    ...(extra.reqId !== undefined && { reqId: extra.reqId }),
    code,
    message,
    ...(extra.field !== undefined && { field: extra.field }),
    retryable: ERRORS[code].retryable,
    ...(extra.status !== undefined && { status: extra.status }),
    ...(extra.retryAfterMs !== undefined && { retryAfterMs: extra.retryAfterMs }),
  };
}
