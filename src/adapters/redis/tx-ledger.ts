import type { RedisClient as Redis } from './connect.js';
import type { TxLedger } from '../../chain/ports.js';
import type { TxOutcome, TxRecord } from '../../chain/types.js';
import type { ChainKeys } from './chain-keys.js';
import { createBatcher } from '../../util/batcher.js';

// Each new signature is recorded and queued for landing in one step; a known one changes nothing,
// and neither does one that has landed (its outcome outlives its record by a little). Many
// signatures go in one call: KEYS[1] the pending queue, then per signature its record, outcome and
// void keys; ARGV[1] the retention, then per signature its record, landsAt and signature. Replies
// per signature: 1 recorded, 0 already known, -1 voided.
const SUBMIT_MANY = `
local replies = {}
for i = 0, (#KEYS - 1) / 3 - 1 do
  local tx, outcome, voided = KEYS[2 + i * 3], KEYS[3 + i * 3], KEYS[4 + i * 3]
  local reply = 0
  if redis.call('EXISTS', voided) == 1 then reply = -1
  elseif redis.call('EXISTS', outcome) == 0 and redis.call('SET', tx, ARGV[2 + i * 3], 'EX', ARGV[1], 'NX') then
    redis.call('ZADD', KEYS[1], ARGV[3 + i * 3], ARGV[4 + i * 3])
    reply = 1
  end
  replies[i + 1] = reply
end
return replies`;
/** Most signatures one call records. */
const MAX_SUBMITS_PER_CALL = 200;

// A signature is voided only if the chain has not received it; then no submit of it is taken.
const VOID = `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])
return 1`;

/**
 * The clients' side of the chain's ledger in Redis: a sent transaction is recorded (kept
 * `retentionSeconds`, about 0.9 KB an order with its outcome) and queued for the chain process to
 * land. A re-run of an order must find what its transaction did, so the retention must outlast the
 * longest outage with orders in flight.
 */
export function createTxLedger(redis: Redis, keys: ChainKeys, options: { retentionSeconds: number }): TxLedger {
  // The sends of one turn of the event loop travel in one script call (by its SHA, once loaded).
  redis.defineCommand('dexSubmitTxs', { lua: SUBMIT_MANY });
  const submitMany = (redis as unknown as { dexSubmitTxs(numKeys: number, ...args: Array<string | number>): Promise<number[]> }).dexSubmitTxs.bind(redis);
  const submit = createBatcher<TxRecord, boolean>({
    maxSize: MAX_SUBMITS_PER_CALL,
    maxInFlight: 4,
    run: async (records) => {
      const keyList: string[] = [keys.pending];
      const args: Array<string | number> = [options.retentionSeconds];
      for (const record of records) {
        keyList.push(keys.tx(record.signature), keys.outcome(record.signature), keys.voided(record.signature));
        args.push(JSON.stringify(record), record.landsAt, record.signature);
      }
      const replies = await submitMany(keyList.length, ...keyList, ...args);
      return replies.map((reply) => reply !== -1);
    },
  });
  return {
    submit,
    async voidSignature(signature) {
      return (await redis.eval(VOID, 3, keys.tx(signature), keys.outcome(signature), keys.voided(signature), options.retentionSeconds)) === 1;
    },
    async landedAmong(signatures) {
      const landed = new Map<string, TxOutcome>();
      if (signatures.length === 0) return landed;
      const outcomes = await redis.mget(...signatures.map(keys.outcome));
      outcomes.forEach((text, i) => text !== null && landed.set(signatures[i]!, JSON.parse(text) as TxOutcome));
      return landed;
    },
    async lookup(signature) {
      const [record, outcome] = await redis.mget(keys.tx(signature), keys.outcome(signature));
      return {
        record: record ? (JSON.parse(record) as TxRecord) : null,
        outcome: outcome ? (JSON.parse(outcome) as TxOutcome) : null,
      };
    },
  };
}
