import type { Logger } from '../util/logger.js';
import type { ChainStore, ProducedSlot, SlotUpdate } from './ports.js';
import type { TxOutcome, TxRecord, TxResult } from './types.js';

/** The market as the chain drives it: it moves one step per slot, and executes the transactions that land in it. */
export interface ChainMarket {
  /** Runs the market's own dynamics (reference walk, noise traders, arbitrageurs) up to slot `slot`. */
  advanceTo(slot: number): void;
  /** Executes a landed transaction against the pools as they are now, all legs or none. */
  execute(tx: TxRecord): TxResult;
  /** The state after the slot, to persist and publish. */
  snapshot(): unknown;
}

export interface SlotProducerDeps {
  readonly store: ChainStore;
  /** Builds the market from the last committed state (null: a new chain, at genesis). */
  readonly market: (state: SlotUpdate | null) => ChainMarket;
  /** This process's lease id: only the lease holder produces slots. */
  readonly ownerId: string;
  readonly leaseMs: number;
  /** Most transactions landed in one slot; the rest wait for the next. */
  readonly maxTxPerSlot: number;
  readonly blockhash: (slot: number) => string;
  readonly now: () => number;
  readonly log: Logger;
}

export type SlotResult = { readonly produced: true; readonly slot: number; readonly landed: number } | { readonly produced: false };

/**
 * Produces the chain's slots, one per call: the market steps, the received transactions due by now
 * land in the order they arrived (landsAt, then signature), each executed against the pools as they
 * are when it lands, and the slot commits atomically with its outcomes and the market's state. Only
 * the lease holder produces: a second chain process stands by. After a failed or refused commit
 * the in-memory market is dropped and rebuilt from the store, so what was not committed never happened.
 */
export function createSlotProducer(deps: SlotProducerDeps) {
  const { store, log } = deps;
  let current: { slot: number; market: ChainMarket } | null = null;

  async function resume(): Promise<boolean> {
    if (!(await store.lead(deps.ownerId, deps.leaseMs))) return false;
    const state = await store.loadState();
    current = { slot: state?.slot ?? 0, market: deps.market(state) };
    log.info({ slot: current.slot, resumed: state !== null }, state ? 'chain resumed from its last slot' : 'chain started at genesis');
    return true;
  }

  return {
    /** Produces the next slot if this process holds the lease. */
    async produce(): Promise<SlotResult> {
      if (!current && !(await resume())) return { produced: false };
      const { market } = current!;
      const slot = current!.slot + 1;
      const nowMs = deps.now();
      try {
        const due = [...(await store.due(nowMs, deps.maxTxPerSlot))].sort(landingOrder);
        market.advanceTo(slot);
        const outcomes: Array<[string, TxOutcome]> = [];
        const dropped: string[] = [];
        for (const tx of due) {
          // Past its blockhash's validity a transaction never lands (as on Solana, it is dropped).
          if (tx.lastValidBlockHeight < slot) dropped.push(tx.signature);
          else outcomes.push([tx.signature, { ...market.execute(tx), slot }]);
        }
        const produced: ProducedSlot = { slot, ts: nowMs, blockhash: deps.blockhash(slot), snapshot: market.snapshot(), outcomes, dropped };
        if (!(await store.commit(deps.ownerId, deps.leaseMs, produced))) {
          log.warn({ slot }, 'lost the chain lease; standing by');
          current = null;
          return { produced: false };
        }
        current!.slot = slot;
        return { produced: true, slot, landed: outcomes.length };
      } catch (err) {
        current = null; // rebuilt from the store: the slot's work in memory was never committed
        throw err;
      }
    },
    /** The last slot this process committed, or null while it does not lead. */
    get slot(): number | null {
      return current?.slot ?? null;
    },
  };
}

function landingOrder(a: TxRecord, b: TxRecord): number {
  return a.landsAt - b.landsAt || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0);
}

export type SlotProducer = ReturnType<typeof createSlotProducer>;
