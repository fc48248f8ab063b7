import type { Redis } from 'ioredis';
import type { ChainLedger, TxOutcome, TxRecord } from '../../venues/chain.js';

/**
 * The simulated chain's memory in Redis, shared by every worker: signatures and their outcomes, each
 * written once and kept `retentionSeconds` (about 0.9 KB per order). A re-run of an order must find
 * what its transaction did, so the retention must outlast the longest outage with orders in flight.
 */
export function createChainLedger(redis: Redis, prefix: string, options: { retentionSeconds: number }): ChainLedger {
  const ttlSeconds = options.retentionSeconds;
  const txKey = (signature: string) => `${prefix}:tx:${signature}`;
  const outcomeKey = (signature: string) => `${prefix}:outcome:${signature}`;
  const claimKey = (signature: string) => `${prefix}:claim:${signature}`;

  async function setOnce<T>(key: string, value: T): Promise<T> {
    const written = await redis.set(key, JSON.stringify(value), 'EX', ttlSeconds, 'NX');
    if (written === 'OK') return value;
    const stored = await redis.get(key);
    return stored === null ? value : (JSON.parse(stored) as T);
  }

  async function read<T>(key: string): Promise<T | null> {
    const stored = await redis.get(key);
    return stored === null ? null : (JSON.parse(stored) as T);
  }

  return {
    put: (record: TxRecord) => setOnce(txKey(record.signature), record),
    get: (signature) => read<TxRecord>(txKey(signature)),
    async lookup(signature) {
      const [record, outcome] = await redis.mget(txKey(signature), outcomeKey(signature));
      return {
        record: record ? (JSON.parse(record) as TxRecord) : null,
        outcome: outcome ? (JSON.parse(outcome) as TxOutcome) : null,
      };
    },
    claim: async (signature, ttlMs) => (await redis.set(claimKey(signature), '1', 'PX', ttlMs, 'NX')) === 'OK',
    settle: (signature, outcome: TxOutcome) => setOnce(outcomeKey(signature), outcome),
    outcome: (signature) => read<TxOutcome>(outcomeKey(signature)),
  };
}
