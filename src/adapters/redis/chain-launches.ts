import type { RedisClient as Redis } from './connect.js';
import { parseLaunchRequest } from '../../chain/launch-request.js';
import type { LaunchRequest } from '../../chain/types.js';
import type { ChainKeys } from './chain-keys.js';

// A symbol is asked for once: a second request for it gets the first one back, and nothing is written.
// KEYS: launches, launchesDue. ARGV: symbol, request json, dueAt.
const SCHEDULE = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return existing end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return false`;

/** What scheduling a launch did: stored, or refused because a request for the pair came first (`existing`). */
export type ScheduleResult = { readonly scheduled: true } | { readonly scheduled: false; readonly existing: LaunchRequest | null };

/**
 * The chain's launch requests in Redis, under its hash tag: every request ever made (by symbol) and
 * the queue of those not applied yet (by dueAt). The operator command schedules; the slot producer
 * reads the due ones, and its commit script takes them off the queue with the slot that applied them.
 */
export function createLaunchQueue(redis: Redis, keys: ChainKeys) {
  return {
    /** Stores a request and queues it for its due time, unless one for the same pair was made before. */
    async schedule(request: LaunchRequest): Promise<ScheduleResult> {
      const existing = await redis.eval(SCHEDULE, 2, keys.launches, keys.launchesDue, request.symbol, JSON.stringify(request), request.dueAt);
      if (existing === null) return { scheduled: true };
      return { scheduled: false, existing: typeof existing === 'string' ? parseLaunchRequest(existing) : null };
    },

    /** The requests due by `nowMs`, at most `limit`; one that cannot be read is taken off the queue (it could never apply). */
    async due(nowMs: number, limit: number): Promise<LaunchRequest[]> {
      const symbols = await redis.zrangebyscore(keys.launchesDue, '-inf', nowMs, 'LIMIT', 0, limit);
      if (symbols.length === 0) return [];
      const stored = await redis.hmget(keys.launches, ...symbols);
      const requests = stored.map((text) => (text === null ? null : parseLaunchRequest(text)));
      const unreadable = symbols.filter((_, i) => requests[i] === null);
      if (unreadable.length > 0) await redis.zrem(keys.launchesDue, ...unreadable);
      return requests.filter((request): request is LaunchRequest => request !== null);
    },

    /** Every request ever made, with whether it is still queued (oldest due first). */
    async list(): Promise<Array<{ readonly request: LaunchRequest; readonly queued: boolean }>> {
      const [all, queued] = await Promise.all([redis.hgetall(keys.launches), redis.zrange(keys.launchesDue, '0', '-1')]);
      const waiting = new Set(queued);
      return Object.entries(all)
        .flatMap(([symbol, text]) => {
          const request = parseLaunchRequest(text);
          return request ? [{ request, queued: waiting.has(symbol) }] : [];
        })
        .sort((a, b) => a.request.dueAt - b.request.dueAt);
    },
  };
}

export type LaunchQueue = ReturnType<typeof createLaunchQueue>;
