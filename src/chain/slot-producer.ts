import type { Logger } from '../util/logger.js';
import type { LaunchResult, LaunchSpec } from '../venues/types.js';
import type { ChainStore, ProducedSlot, SlotUpdate } from './ports.js';
import type { LaunchRequest, TxOutcome, TxRecord, TxResult } from './types.js';

/** The market as the chain drives it: it moves one step per slot, and executes the transactions that land in it. */
export interface ChainMarket {
  /** Runs the market's own dynamics (reference walk, noise traders, arbitrageurs) up to slot `slot`. */
  advanceTo(slot: number): void;
  /**
   * Executes a landed transaction against the pools as they are now, all legs or none. `position`
   * is where in the slot it lands (0 its start, 1 its end), among the market's own traders that
   * land in the slot too (the competing snipers of a launch).
   */
  execute(tx: TxRecord, position: number): TxResult;
  /** Ends the slot: the market's own traders still to land in it trade. */
  endSlot(): void;
  /** Opens a pair's pools at the end of the slot (no transaction of the slot can reach them); refused if the pair exists or the launch was applied. */
  launch(spec: LaunchSpec): LaunchResult;
  /** Every pair's symbol, launched ones included. */
  symbols(): readonly string[];
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
  /** The random launch a slot brings, if any (`taken`: every symbol the market has). */
  readonly randomLaunch?: (slot: number, taken: readonly string[]) => LaunchSpec | null;
  readonly now: () => number;
  readonly log: Logger;
}

export type SlotResult = { readonly produced: true; readonly slot: number; readonly landed: number } | { readonly produced: false };

/** Most launch requests applied in one slot; the rest wait for the next. */
const MAX_LAUNCHES_PER_SLOT = 100;

/**
 * Produces the chain's slots, one per call: the market steps, the received transactions due by now
 * land in the order they arrived (landsAt, then signature), each executed against the pools as they
 * are when it lands, then the launches due by now open their pools at the slot's end, and the slot
 * commits atomically with its outcomes, the launches it took and the market's state. Only the lease
 * holder produces: a second chain process stands by. After a failed or refused commit the in-memory
 * market is dropped and rebuilt from the store, so what was not committed never happened (a launch
 * then applies in the next slot, once: the committed state knows what it launched).
 */
export function createSlotProducer(deps: SlotProducerDeps) {
  const { store, log } = deps;
  let current: { slot: number; market: ChainMarket; ts: number | null } | null = null;

  async function resume(): Promise<boolean> {
    if (!(await store.lead(deps.ownerId, deps.leaseMs))) return false;
    const state = await store.loadState();
    current = { slot: state?.slot ?? 0, market: deps.market(state), ts: state?.ts ?? null };
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
      // The slot covers the time since the last one: where in it a transaction lands orders it among the market's own traders.
      const since = current!.ts ?? nowMs - 1;
      try {
        const [txs, requests] = await Promise.all([store.due(nowMs, deps.maxTxPerSlot), store.dueLaunches(nowMs, MAX_LAUNCHES_PER_SLOT)]);
        const due = [...txs].sort(landingOrder);
        market.advanceTo(slot);
        const outcomes: Array<[string, TxOutcome]> = [];
        const dropped: string[] = [];
        for (const tx of due) {
          // Past its blockhash's validity a transaction never lands (as on Solana, it is dropped).
          if (tx.lastValidBlockHeight < slot) dropped.push(tx.signature);
          else outcomes.push([tx.signature, { ...market.execute(tx, positionIn(tx.landsAt, since, nowMs)), slot }]);
        }
        market.endSlot();
        const launches = [...requests].sort(launchOrder).map((request) => ({ request, result: launch(market, request) }));
        const random = deps.randomLaunch?.(slot, market.symbols());
        const randomResult = random && launch(market, random);
        const produced: ProducedSlot = {
          slot,
          ts: nowMs,
          blockhash: deps.blockhash(slot),
          snapshot: market.snapshot(),
          outcomes,
          dropped,
          launches: launches.map(({ request }) => request.symbol),
        };
        if (!(await store.commit(deps.ownerId, deps.leaseMs, produced))) {
          log.warn({ slot }, 'lost the chain lease; standing by');
          current = null;
          return { produced: false };
        }
        current = { slot, market, ts: nowMs };
        for (const { request, result } of launches) logLaunch(log, slot, request, result);
        if (random && randomResult) logLaunch(log, slot, random, randomResult);
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

/** A launch the market cannot make (a spec that slipped past the checks) is refused, not a reason to stop producing slots. */
function launch(market: ChainMarket, spec: LaunchSpec): LaunchResult | { readonly ok: false; readonly reason: 'INVALID'; readonly err: unknown } {
  try {
    return market.launch(spec);
  } catch (err) {
    return { ok: false, reason: 'INVALID', err };
  }
}

function logLaunch(log: Logger, slot: number, spec: LaunchSpec | LaunchRequest, result: ReturnType<typeof launch>): void {
  const fields = { slot, launchId: spec.id, pair: spec.symbol, venues: spec.venues, price: spec.price, liquidity: spec.liquidity };
  if (result.ok) log.info(fields, 'pair launched');
  else log.warn({ ...fields, reason: result.reason, ...('err' in result && { err: result.err }) }, 'launch ignored');
}

/** Where in the slot from `since` to `now` a transaction due at `landsAt` lands: 0 (overdue: first) to 1. */
function positionIn(landsAt: number, since: number, now: number): number {
  if (!(now > since)) return 1;
  return Math.min(1, Math.max(0, (landsAt - since) / (now - since)));
}

function landingOrder(a: TxRecord, b: TxRecord): number {
  return a.landsAt - b.landsAt || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0);
}

function launchOrder(a: LaunchRequest, b: LaunchRequest): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export type SlotProducer = ReturnType<typeof createSlotProducer>;
