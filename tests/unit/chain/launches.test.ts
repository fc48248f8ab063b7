import { describe, expect, it } from 'vitest';
import { createChainMarket, type ChainSnapshot } from '../../../src/chain/chain-market.js';
import type { SlotUpdate } from '../../../src/chain/ports.js';
import { createRandomLaunches } from '../../../src/chain/random-launches.js';
import { createSlotProducer } from '../../../src/chain/slot-producer.js';
import type { LaunchRequest, TxOutcome, TxRecord } from '../../../src/chain/types.js';
import { createLogger } from '../../../src/log.js';
import { createMarket } from '../../../src/venues/market.js';
import { memoryStore } from './memory-chain-store.js';

const log = createLogger('silent');
const GENESIS = 1_700_000_000_000;
const SLOT_MS = 400;
const NEW = 'NEW/USDC';

const request = (symbol: string, dueAt: number, venues: LaunchRequest['venues'] = ['raydium', 'meteora']): LaunchRequest => ({
  id: `launch-${symbol}`,
  symbol,
  price: 0.02,
  liquidity: 50_000,
  venues,
  dueAt,
  requestedAt: 0,
});

/** A buy of 50,000 NEW on Raydium, landing at `landsAt`, with no price limit. */
const buy = (signature: string, landsAt: number): TxRecord => ({
  signature,
  orderId: `order-${signature}`,
  pair: NEW,
  side: 'buy',
  amount: 50_000,
  legs: [{ dex: 'raydium', amount: 50_000 }],
  limit: { side: 'buy', maxAmountIn: Number.MAX_VALUE },
  lastValidBlockHeight: 1_000,
  sentAt: landsAt,
  landsAt,
});

/** A chain over a real market in memory: slot s is produced at s × SLOT_MS on its clock. */
function chain(seed: number | string = 'launch-test', randomLaunch?: ReturnType<typeof createRandomLaunches>) {
  const memory = memoryStore();
  let now = 0;
  const market = (state: SlotUpdate | null) => {
    const saved = state?.snapshot as ChainSnapshot | undefined;
    const built = createMarket({ seed, startMs: GENESIS, tickMs: SLOT_MS, ...(saved && { from: saved.market }) });
    return createChainMarket({ market: built, genesisMs: GENESIS, tickMs: SLOT_MS, slot: state?.slot ?? 0 });
  };
  const producer = createSlotProducer({ store: memory.store, market, ownerId: 'chain', leaseMs: 2_000, maxTxPerSlot: 100, blockhash: (slot) => `bh${slot}`, now: () => now, log, ...(randomLaunch && { randomLaunch }) });
  return {
    memory,
    /** Produces slots up to `slot`. */
    async runTo(slot: number) {
      while ((producer.slot ?? memory.state?.slot ?? 0) < slot) {
        now += SLOT_MS;
        await producer.produce();
      }
    },
    snapshot: () => (memory.state?.snapshot as ChainSnapshot).market,
    outcome: (signature: string) => memory.outcomes.get(signature) as TxOutcome,
  };
}

describe('launches on the slot producer', () => {
  it('applies a due launch at the end of its slot, committed with it: nothing in that slot trades the pair, the next slot does', async () => {
    const { memory, runTo, snapshot, outcome } = chain();
    memory.launches.set(NEW, request(NEW, 400));
    memory.launches.set('LATER/USDC', request('LATER/USDC', 10_000));
    memory.pending.set('same-slot', buy('same-slot', 300));
    await runTo(1);
    expect(outcome('same-slot')).toEqual({ ok: false, code: 'INSUFFICIENT_LIQUIDITY', slot: 1 });
    expect(snapshot().launched).toMatchObject([{ id: `launch-${NEW}`, tick: 1, spec: { symbol: NEW, venues: ['raydium', 'meteora'] } }]);
    expect([...memory.launches.keys()]).toEqual(['LATER/USDC']);
    memory.pending.set('next-slot', buy('next-slot', 700));
    await runTo(2);
    expect(outcome('next-slot')).toMatchObject({ ok: true, slot: 2 });
  });

  it('after a failed commit applies the launch in the next slot, once; a request that slips through again is ignored', async () => {
    const { memory, runTo, snapshot } = chain();
    memory.launches.set(NEW, request(NEW, 0));
    memory.failNextCommit();
    await expect(runTo(1)).rejects.toThrow('Redis went away');
    expect(memory.state).toBeNull();
    expect(memory.launches.has(NEW)).toBe(true);
    await runTo(1);
    expect(snapshot().launched).toHaveLength(1);
    memory.launches.set(NEW, request(NEW, 0)); // the same request again
    memory.launches.set('SOL/USDC', request('SOL/USDC', 0)); // a default pair
    await runTo(2);
    expect(snapshot().launched).toHaveLength(1);
    expect(memory.launches.size).toBe(0); // ignored ones leave the queue too
  });

  it('lets the competing snipers push the price: the same buy costs more landing three slots after the launch than one', async () => {
    const costAfter = async (slots: number, seed: number) => {
      const { memory, runTo, outcome } = chain(seed);
      memory.launches.set(NEW, request(NEW, 0));
      await runTo(1); // launched at the end of slot 1
      memory.pending.set('x', buy('x', (1 + slots) * SLOT_MS - SLOT_MS + 1)); // early in slot 1 + slots
      await runTo(1 + slots);
      const landed = outcome('x');
      expect(landed).toMatchObject({ ok: true, slot: 1 + slots });
      return landed.ok ? landed.amountIn : Number.NaN;
    };
    for (const seed of [1, 2, 3]) expect(await costAfter(3, seed)).toBeGreaterThan((await costAfter(1, seed)) * 1.01);
  });

  it('lands a transaction among the snipers of its slot by when it arrived: early in the slot pays less than late in it', async () => {
    const cost = async (landsAt: number) => {
      const { memory, runTo, outcome } = chain(2);
      memory.launches.set(NEW, request(NEW, 0));
      await runTo(1);
      memory.pending.set('x', buy('x', landsAt));
      await runTo(2);
      const landed = outcome('x');
      return landed.ok ? landed.amountIn : Number.NaN;
    };
    expect(await cost(SLOT_MS + 1)).toBeLessThan(await cost(2 * SLOT_MS));
  });

  it('makes random launches from the seed and the slot alone, with fresh symbols, up to their cap; none when off', async () => {
    const run = async (everyMs: number, max?: number) => {
      const randomLaunch = createRandomLaunches({ seed: 'random', slotMs: SLOT_MS, everyMs, ...(max !== undefined && { max }) });
      const { runTo, snapshot } = chain('random', randomLaunch);
      await runTo(60);
      return snapshot();
    };
    const first = await run(4_000);
    const symbols = (first.launched ?? []).map((pair) => pair.spec.symbol);
    expect(symbols.length).toBeGreaterThanOrEqual(2);
    expect(symbols).toEqual(symbols.map((_, i) => `MEME${i + 1}/USDC`));
    expect(first.launched!.every((pair) => pair.id === `random:${pair.tick}`)).toBe(true);
    expect(JSON.stringify(await run(4_000))).toBe(JSON.stringify(first));
    expect((await run(4_000, 1)).launched).toHaveLength(1);
    expect((await run(0)).launched).toBeUndefined();
  });
});
