import { describe, expect, it } from 'vitest';
import type { ChainStore, SlotUpdate } from '../../../src/chain/ports.js';
import { createSlotProducer, type ChainMarket } from '../../../src/chain/slot-producer.js';
import type { TxRecord } from '../../../src/chain/types.js';
import { createLogger } from '../../../src/log.js';
import { memoryStore } from './memory-chain-store.js';

const log = createLogger('silent');

function tx(signature: string, landsAt: number, lastValidBlockHeight = 1_000): TxRecord {
  return {
    signature,
    orderId: `order-${signature}`,
    pair: 'SOL/USDC',
    side: 'buy',
    amount: 1,
    legs: [{ dex: 'raydium', amount: 1 }],
    limit: { side: 'buy', maxAmountIn: 200 },
    lastValidBlockHeight,
    sentAt: landsAt,
    landsAt,
  };
}

/** A market that records what it executed, in order, and whose state is the list of executions. */
function recordingMarket(executed: string[]) {
  return (state: SlotUpdate | null): ChainMarket => {
    const mine = [...((state?.snapshot as string[] | undefined) ?? [])];
    return {
      advanceTo: () => undefined,
      execute: (record) => {
        mine.push(record.signature);
        executed.push(record.signature);
        return { ok: false, code: 'INSUFFICIENT_LIQUIDITY' };
      },
      endSlot: () => undefined,
      launch: () => ({ ok: false, reason: 'PAIR_EXISTS' }),
      symbols: () => [],
      snapshot: () => [...mine],
    };
  };
}

function producer(store: ChainStore, executed: string[], now: () => number, ownerId = 'chain-1') {
  return createSlotProducer({ store, market: recordingMarket(executed), ownerId, leaseMs: 2_000, maxTxPerSlot: 100, blockhash: (slot) => `bh${slot}`, now, log });
}

describe('the slot producer', () => {
  it('lands the transactions due by now in arrival order (landsAt, then signature), each once, and leaves the rest queued', async () => {
    const memory = memoryStore();
    for (const record of [tx('c', 300), tx('b', 100), tx('a', 100), tx('later', 900)]) memory.pending.set(record.signature, record);
    const executed: string[] = [];
    const chain = producer(memory.store, executed, () => 400);
    expect(await chain.produce()).toEqual({ produced: true, slot: 1, landed: 3 });
    expect(executed).toEqual(['a', 'b', 'c']);
    expect([...memory.pending.keys()]).toEqual(['later']);
    expect(await chain.produce()).toEqual({ produced: true, slot: 2, landed: 0 });
    expect(executed).toEqual(['a', 'b', 'c']);
    expect(memory.outcomes.get('a')).toMatchObject({ ok: false, slot: 1 });
  });

  it('drops a transaction whose blockhash expired before its slot, without executing it', async () => {
    const memory = memoryStore();
    memory.pending.set('old', tx('old', 0, 0));
    const executed: string[] = [];
    await producer(memory.store, executed, () => 10).produce();
    expect(executed).toEqual([]);
    expect(memory.pending.size).toBe(0);
    expect(memory.outcomes.has('old')).toBe(false);
  });

  it('after a failed commit rebuilds its market from the store, so what was not committed never happened and nothing executes twice on the pools', async () => {
    const memory = memoryStore();
    memory.pending.set('a', tx('a', 0));
    const executed: string[] = [];
    const chain = producer(memory.store, executed, () => 10);
    memory.failNextCommit();
    await expect(chain.produce()).rejects.toThrow('Redis went away');
    expect(memory.outcomes.size).toBe(0);
    expect(await chain.produce()).toMatchObject({ produced: true, slot: 1, landed: 1 });
    // The market state committed holds `a` once: the first, uncommitted execution was thrown away.
    expect(memory.state?.snapshot).toEqual(['a']);
  });

  it('continues from the last committed slot and state after a restart', async () => {
    const memory = memoryStore();
    const executed: string[] = [];
    const first = producer(memory.store, executed, () => 10);
    memory.pending.set('a', tx('a', 0));
    await first.produce();
    await first.produce();
    const restarted = producer(memory.store, executed, () => 20); // same lease holder id: a process restart
    memory.pending.set('b', tx('b', 0));
    expect(await restarted.produce()).toMatchObject({ produced: true, slot: 3 });
    expect(memory.state).toMatchObject({ slot: 3, snapshot: ['a', 'b'] });
  });

  it('stands by while another chain holds the lease, and stops producing when it loses the lease', async () => {
    const memory = memoryStore();
    const executed: string[] = [];
    const one = producer(memory.store, executed, () => 10, 'one');
    const two = producer(memory.store, executed, () => 10, 'two');
    expect(await one.produce()).toMatchObject({ produced: true, slot: 1 });
    expect(await two.produce()).toEqual({ produced: false });
    memory.handLeaseTo('two'); // one's lease expired and two took it
    memory.pending.set('a', tx('a', 0));
    expect(await one.produce()).toEqual({ produced: false });
    expect(one.slot).toBeNull();
    expect(await two.produce()).toMatchObject({ produced: true, slot: 2, landed: 1 });
    expect(executed.filter((signature) => signature === 'a')).toHaveLength(2); // executed by one in memory, committed only by two
    expect(memory.state?.snapshot).toEqual(['a']);
  });
});
