import type { RedisClient as Redis } from './connect.js';
import type { ChainStore, ProducedSlot, SlotUpdate } from '../../chain/ports.js';
import type { TxRecord } from '../../chain/types.js';
import type { ChainKeys } from './chain-keys.js';
import { createLaunchQueue } from './chain-launches.js';
import { LEAD, RELEASE } from './lease.js';

/** Published slots kept in the stream: a reader that blinks catches up; older ones are never needed. */
const STREAM_LENGTH = 50;

// KEYS: leader, pending, slots, launchesDue, then the outcome keys, then the dropped transactions' keys.
// ARGV: owner, lease ms, retention s, outcome count, dropped count, slot, ts, blockhash, state json,
// launch count, then the outcomes' signatures and values, then the dropped signatures, then the
// symbols of the launches taken. An outcome is written only for a transaction this commit takes off
// the queue: none lands twice, whatever the caller sends. A launch leaves its queue with the state
// that applied it. The state lives once, in the slot stream's newest entry (it is 40 KB a slot).
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local outcomes = tonumber(ARGV[4])
local dropped = tonumber(ARGV[5])
local launches = tonumber(ARGV[10])
for i = 1, outcomes do
  if redis.call('ZREM', KEYS[2], ARGV[10 + i]) == 1 then
    redis.call('SET', KEYS[4 + i], ARGV[10 + outcomes + i], 'EX', ARGV[3])
  end
end
for i = 1, dropped do
  redis.call('DEL', KEYS[4 + outcomes + i])
  redis.call('ZREM', KEYS[2], ARGV[10 + 2 * outcomes + i])
end
for i = 1, launches do
  redis.call('ZREM', KEYS[4], ARGV[10 + 2 * outcomes + dropped + i])
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ${STREAM_LENGTH}, '*', 'slot', ARGV[6], 'ts', ARGV[7], 'blockhash', ARGV[8], 'state', ARGV[9])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * The chain process's store in Redis. Each slot commits in one script: outcomes written once, the
 * landed and dropped transactions taken off the queue, the launches it applied off theirs, the
 * market's state, the published slot and the lease renewal, all or nothing, and only by the lease
 * holder. So a chain killed at any moment restarts from a state that matches every outcome it
 * wrote, and no transaction executes twice, no launch applies twice.
 */
export function createChainStore(redis: Redis, keys: ChainKeys, options: { retentionSeconds: number }): ChainStore {
  const launches = createLaunchQueue(redis, keys);
  return {
    lead: async (ownerId, ttlMs) => (await redis.eval(LEAD, 1, keys.leader, ownerId, ttlMs)) === 1,

    async loadState() {
      const [newest] = await redis.xrevrange(keys.slots, '+', '-', 'COUNT', 1);
      const state = newest ? newest[1][newest[1].indexOf('state') + 1] : undefined;
      return state === undefined ? null : (JSON.parse(state) as SlotUpdate);
    },

    async release(ownerId) {
      await redis.eval(RELEASE, 1, keys.leader, ownerId);
    },

    async due(nowMs, limit) {
      const signatures = await redis.zrangebyscore(keys.pending, '-inf', nowMs, 'LIMIT', 0, limit);
      if (signatures.length === 0) return [];
      const stored = await redis.mget(...signatures.map(keys.tx));
      const orphans = signatures.filter((_, i) => stored[i] === null);
      // A queued transaction whose record has expired (past the retention) can never be told apart from a new one: forget it.
      if (orphans.length > 0) await redis.zrem(keys.pending, ...orphans);
      return stored.filter((text): text is string => text !== null).map((text) => JSON.parse(text) as TxRecord);
    },

    dueLaunches: (nowMs, limit) => launches.due(nowMs, limit),

    async commit(ownerId, ttlMs, slot: ProducedSlot) {
      const { outcomes, dropped, launches: launched = [] } = slot;
      const state = JSON.stringify({ slot: slot.slot, ts: slot.ts, blockhash: slot.blockhash, snapshot: slot.snapshot } satisfies SlotUpdate);
      const keyList = [keys.leader, keys.pending, keys.slots, keys.launchesDue, ...outcomes.map(([signature]) => keys.outcome(signature)), ...dropped.map(keys.tx)];
      const args = [
        ownerId,
        ttlMs,
        options.retentionSeconds,
        outcomes.length,
        dropped.length,
        slot.slot,
        slot.ts,
        slot.blockhash,
        state,
        launched.length,
        ...outcomes.map(([signature]) => signature),
        ...outcomes.map(([, outcome]) => JSON.stringify(outcome)),
        ...dropped,
        ...launched,
      ];
      return (await redis.eval(COMMIT, keyList.length, ...keyList, ...args)) === 1;
    },
  };
}
