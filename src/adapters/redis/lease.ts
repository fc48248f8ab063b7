import type { RedisClient as Redis } from './connect.js';

/** Takes or renews the lease in KEYS[1] for owner ARGV[1], for ARGV[2] ms; 1 while it holds it. (The chain's store uses it too.) */
export const LEAD = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Gives up the lease in KEYS[1] if owner ARGV[1] holds it. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A lease in one Redis key: whoever holds it is the one instance of a component; the others stand
 * by and take it over once it lapses (its holder died) or is released (its holder stopped).
 */
export function createLease(redis: Redis, key: string, ownerId: string, ttlMs: number) {
  return {
    /** Takes or renews the lease; true while this owner holds it. */
    lead: async (): Promise<boolean> => (await redis.eval(LEAD, 1, key, ownerId, ttlMs)) === 1,
    /** Gives it up at once, if this owner holds it. */
    release: async (): Promise<void> => {
      await redis.eval(RELEASE, 1, key, ownerId);
    },
  };
}
