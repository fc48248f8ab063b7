import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { chainKeys } from '../../src/adapters/redis/chain-keys.js';
import { createChainStore } from '../../src/adapters/redis/chain-store.js';
import { createTxLedger } from '../../src/adapters/redis/tx-ledger.js';
import type { TxOutcome, TxRecord } from '../../src/chain/types.js';

const record = (signature: string, landsAt: number): TxRecord => ({
  signature,
  orderId: 'o',
  pair: 'SOL/USDC',
  side: 'buy',
  amount: 1,
  legs: [{ dex: 'raydium', amount: 1 }],
  limit: { side: 'buy', maxAmountIn: 200 },
  lastValidBlockHeight: 150,
  sentAt: landsAt,
  landsAt,
});
const landed: TxOutcome = { ok: false, slot: 1, code: 'INSUFFICIENT_LIQUIDITY' };

describe('the chain in Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  afterAll(() => redis.disconnect());

  it('records a transaction once, queues it for landing once, and keeps it for the configured retention', async () => {
    const keys = chainKeys(`ledger-test-${randomUUID()}`);
    const ledger = createTxLedger(redis, keys, { retentionSeconds: 3600 });
    await ledger.submit(record('sig1', 10));
    // A second send of the same signature keeps the first record: the chain deduplicates by signature.
    await ledger.submit(record('sig1', 99));
    expect((await ledger.lookup('sig1')).record?.landsAt).toBe(10);
    expect(await redis.zrange(keys.pending, '0', '-1', 'WITHSCORES')).toEqual(['sig1', '10']);
    const ttl = await redis.ttl(keys.tx('sig1'));
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('takes the sends of one turn in one call, answering each: recorded, already known, or voided', async () => {
    const keys = chainKeys(`ledger-test-${randomUUID()}`);
    const ledger = createTxLedger(redis, keys, { retentionSeconds: 3600 });
    await ledger.submit(record('known', 5));
    expect(await ledger.voidSignature('void')).toBe(true);
    const sent = Array.from({ length: 250 }, (_, i) => `s${i}`);
    const replies = await Promise.all([...sent, 'known', 'void', 's0'].map((signature, i) => ledger.submit(record(signature, 100 + i))));
    expect(replies.slice(0, 250).every(Boolean)).toBe(true);
    expect(replies.slice(250)).toEqual([true, false, true]); // a known one is no refusal; a voided one is
    expect(await redis.zcard(keys.pending)).toBe(251);
    expect(await redis.zscore(keys.pending, 'known')).toBe('5');
    expect(await redis.zscore(keys.pending, 's0')).toBe('100'); // its first send counts
    expect(await redis.exists(keys.tx('void'))).toBe(0);
  });

  it('commits a slot only under the lease: outcomes written, landed and dropped transactions off the queue, state and stream updated', async () => {
    const keys = chainKeys(`ledger-test-${randomUUID()}`);
    const ledger = createTxLedger(redis, keys, { retentionSeconds: 3600 });
    const store = createChainStore(redis, keys, { retentionSeconds: 3600 });
    await ledger.submit(record('a', 10));
    await ledger.submit(record('b', 20));
    await ledger.submit(record('later', 1_000));
    expect(await store.lead('one', 5_000)).toBe(true);
    expect(await store.lead('two', 5_000)).toBe(false); // a second chain stands by
    expect((await store.due(100, 10)).map((tx) => tx.signature)).toEqual(['a', 'b']);
    const slot = { slot: 1, ts: 100, blockhash: 'bh1', snapshot: { any: 'state' }, outcomes: [['a', landed]] as const, dropped: ['b'] };
    expect(await store.commit('two', 5_000, slot)).toBe(false); // not the lease holder: nothing written
    expect(await ledger.lookup('a')).toMatchObject({ outcome: null });
    expect(await store.commit('one', 5_000, slot)).toBe(true);
    expect(await ledger.lookup('a')).toMatchObject({ outcome: landed });
    expect(await ledger.lookup('b')).toEqual({ record: null, outcome: null }); // dropped: it never landed
    expect(await redis.zrange(keys.pending, '0', '-1')).toEqual(['later']);
    expect(await store.loadState()).toEqual({ slot: 1, ts: 100, blockhash: 'bh1', snapshot: { any: 'state' } });
    expect(await redis.xlen(keys.slots)).toBe(1);
    expect(await redis.ttl(keys.outcome('a'))).toBeGreaterThan(3590);
  });

  it('lands each transaction once even when a commit names it twice, and never re-queues a landed signature', async () => {
    const keys = chainKeys(`ledger-test-${randomUUID()}`);
    const ledger = createTxLedger(redis, keys, { retentionSeconds: 3600 });
    const store = createChainStore(redis, keys, { retentionSeconds: 3600 });
    for (const signature of ['a', 'b', 'c', 'd']) await ledger.submit(record(signature, 10));
    expect(await store.lead('one', 5_000)).toBe(true);
    const second: TxOutcome = { ok: false, slot: 2, code: 'INSUFFICIENT_LIQUIDITY' };
    const slot = (n: number, outcomes: Array<[string, TxOutcome]>, dropped: string[]) => ({ slot: n, ts: n, blockhash: `bh${n}`, snapshot: n, outcomes, dropped });
    expect(await store.commit('one', 5_000, slot(1, [['a', landed], ['b', landed]], ['c', 'd']))).toBe(true);
    // The same signature committed again (a producer bug, a replay) does not land a second time.
    expect(await store.commit('one', 5_000, slot(2, [['a', second]], []))).toBe(true);
    expect((await ledger.lookup('a')).outcome).toEqual(landed);
    expect((await ledger.lookup('b')).outcome).toEqual(landed);
    expect(await ledger.lookup('c')).toEqual({ record: null, outcome: null });
    expect(await ledger.lookup('d')).toEqual({ record: null, outcome: null });
    expect(await store.loadState()).toMatchObject({ slot: 2, snapshot: 2 });
    // Its record gone (past the retention) but its outcome kept: a resend is not queued again.
    await redis.del(keys.tx('a'));
    await ledger.submit(record('a', 20));
    expect(await redis.zrange(keys.pending, '0', '-1')).toEqual([]);
    // A released lease is taken over at once.
    await store.release('one');
    expect(await store.lead('two', 5_000)).toBe(true);
  });

  it('voids a signature it has not received, so a later send of it is refused, and never one it has', async () => {
    const keys = chainKeys(`ledger-test-${randomUUID()}`);
    const ledger = createTxLedger(redis, keys, { retentionSeconds: 3600 });
    // An order expiring while another delivery sends the same transaction: whichever comes first wins.
    expect(await ledger.voidSignature('late')).toBe(true);
    expect(await ledger.submit(record('late', 10))).toBe(false);
    expect(await ledger.lookup('late')).toEqual({ record: null, outcome: null });
    expect(await redis.zrange(keys.pending, '0', '-1')).toEqual([]);
    expect(await ledger.submit(record('sent', 10))).toBe(true);
    expect(await ledger.voidSignature('sent')).toBe(false);
    expect((await ledger.lookup('sent')).record?.signature).toBe('sent');
  });
});
