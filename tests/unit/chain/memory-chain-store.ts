import type { ChainStore, ProducedSlot, SlotUpdate } from '../../../src/chain/ports.js';
import type { LaunchRequest, TxRecord } from '../../../src/chain/types.js';

/** A store in memory with the Redis store's semantics: one lease, atomic commits, a queue by landsAt. */
export function memoryStore() {
  const pending = new Map<string, TxRecord>();
  const launches = new Map<string, LaunchRequest>();
  const outcomes = new Map<string, unknown>();
  let state: SlotUpdate | null = null;
  let leader: string | null = null;
  let failNextCommit = false;
  const store: ChainStore = {
    lead: async (owner) => {
      if (leader !== null && leader !== owner) return false;
      leader = owner;
      return true;
    },
    loadState: async () => state,
    due: async (nowMs, limit) => [...pending.values()].filter((record) => record.landsAt <= nowMs).slice(0, limit),
    dueLaunches: async (nowMs, limit) => [...launches.values()].filter((request) => request.dueAt <= nowMs).slice(0, limit),
    release: async (owner) => {
      if (leader === owner) leader = null;
    },
    commit: async (owner, _ttl, slot: ProducedSlot) => {
      if (failNextCommit) {
        failNextCommit = false;
        throw new Error('Redis went away');
      }
      if (leader !== owner) return false;
      for (const [signature, outcome] of slot.outcomes) {
        outcomes.set(signature, outcome);
        pending.delete(signature);
      }
      for (const signature of slot.dropped) pending.delete(signature);
      for (const symbol of slot.launches ?? []) launches.delete(symbol);
      state = { slot: slot.slot, ts: slot.ts, blockhash: slot.blockhash, snapshot: slot.snapshot };
      return true;
    },
  };
  return {
    store,
    pending,
    launches,
    outcomes,
    get state() {
      return state;
    },
    failNextCommit: () => void (failNextCommit = true),
    handLeaseTo: (owner: string) => void (leader = owner),
  };
}

