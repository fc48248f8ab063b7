import type { Redis } from 'ioredis';
import type { TxLedger } from '../../chain/ports.js';
import type { TxOutcome, TxRecord } from '../../chain/types.js';
import type { ChainKeys } from './chain-keys.js';

// A new signature is recorded and queued for landing in one step; a known one changes nothing,
// and neither does one that has landed (its outcome outlives its record by a little).
const SUBMIT = `
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  return 1
end
return 0`;

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
  return {
    async submit(record: TxRecord) {
      const { signature } = record;
      const reply = await redis.eval(SUBMIT, 4, keys.tx(signature), keys.pending, keys.outcome(signature), keys.voided(signature), JSON.stringify(record), options.retentionSeconds, record.landsAt, signature);
      return reply !== -1;
    },
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
