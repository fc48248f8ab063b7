import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limits, LimitVerdict } from '../../gateway/limits.js';

export interface RateLimitOptions {
  /** Messages per second per connection, and per account. */
  readonly messagesPerConnection: number;
  readonly messagesPerAccount: number;
  /** Submits per second per connection, and per account. */
  readonly submitsPerConnection: number;
  readonly submitsPerAccount: number;
}

/**
 * Per-second budgets from rate-limiter-flexible, kept in this process's memory: an account's budget
 * is per gateway process (a client spread over N gateways gets up to N times it).
 */
export function createRateLimits(options: RateLimitOptions) {
  const limiter = (points: number) => new RateLimiterMemory({ points, duration: 1 });
  const connectionMessages = limiter(options.messagesPerConnection);
  const accountMessages = limiter(options.messagesPerAccount);
  const connectionSubmits = limiter(options.submitsPerConnection);
  const accountSubmits = limiter(options.submitsPerAccount);

  async function take(pairs: ReadonlyArray<[RateLimiterMemory, string]>): Promise<LimitVerdict> {
    for (const [bucket, key] of pairs) {
      try {
        await bucket.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { ok: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
      }
    }
    return { ok: true };
  }

  return {
    /** The budgets of one connection of one account. */
    forConnection(connId: string, accountId: string): Limits {
      return {
        message: () => take([[connectionMessages, connId], [accountMessages, accountId]]),
        submit: () => take([[connectionSubmits, connId], [accountSubmits, accountId]]),
        release: () => {
          void connectionMessages.delete(connId);
          void connectionSubmits.delete(connId);
        },
      };
    },
  };
}
