import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createChainLedger } from '../../src/adapters/redis/chain-ledger.js';
import type { TxRecord } from '../../src/venues/chain.js';

describe('chain ledger in Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `ledger-test-${randomUUID()}`;
  afterAll(() => redis.disconnect());

  it('writes a transaction once and forgets it after the configured retention', async () => {
    const ledger = createChainLedger(redis, prefix, { retentionSeconds: 3600 });
    const record = { signature: 'sig1', sentAt: 1, landsAt: 2 } as unknown as TxRecord;
    expect(await ledger.put(record)).toEqual(record);
    // A second put of the same signature keeps the first record: the chain deduplicates by signature.
    expect(await ledger.put({ ...record, landsAt: 99 })).toEqual(record);
    const ttl = await redis.ttl(`${prefix}:tx:sig1`);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
    await ledger.settle('sig1', { ok: false, code: 'INSUFFICIENT_LIQUIDITY' });
    expect(await redis.ttl(`${prefix}:outcome:sig1`)).toBeGreaterThan(3590);
    expect(await ledger.lookup('sig1')).toEqual({ record, outcome: { ok: false, code: 'INSUFFICIENT_LIQUIDITY' } });
  });
});
