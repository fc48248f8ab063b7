import type { RedisClient } from './connect.js';

/**
 * Records the deployment's QUEUE_SHARDS in Redis, and refuses a process that would use fewer:
 * its workers would leave the orders of the higher shards unserved. More is taken (the record is
 * raised): the orders of a new shard wait for workers that serve it, within their deadlines.
 * Returns the recorded count when it is higher than `count`, else null.
 */
const RAISE_OR_REFUSE = `
local recorded = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if wanted >= recorded then
  redis.call('SET', KEYS[1], ARGV[1])
  return 0
end
return recorded`;

export async function recordQueueShards(redis: RedisClient, key: string, count: number): Promise<number | null> {
  const recorded = Number(await redis.eval(RAISE_OR_REFUSE, 1, key, count));
  return recorded > 0 ? recorded : null;
}
