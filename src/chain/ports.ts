import type { LaunchRequest, TxOutcome, TxRecord } from './types.js';

/** What the chain publishes each slot (slotSubscribe with the pools' accounts): its height, time, blockhash and every pool. */
export interface SlotUpdate {
  readonly slot: number;
  /** When the slot was produced, ms since the epoch. */
  readonly ts: number;
  readonly blockhash: string;
  /** The market's state after the slot (a MarketSnapshot from venues/, opaque here). */
  readonly snapshot: unknown;
}

/** The chain's ledger as its clients (workers) see it; shared by every process (Redis in production). */
export interface TxLedger {
  /**
   * Records a received transaction and queues it for landing unless its signature is known already;
   * resolves once durable, false when the signature was voided (then nothing is recorded).
   */
  submit(record: TxRecord): Promise<boolean>;
  /** Voids a signature the ledger has not received: true if voided (or already), false if it has it. */
  voidSignature(signature: string): Promise<boolean>;
  /** The record and its outcome in one read. */
  lookup(signature: string): Promise<{ record: TxRecord | null; outcome: TxOutcome | null }>;
  /** The outcomes of those of these signatures that have landed (one read for all). */
  landedAmong(signatures: readonly string[]): Promise<Map<string, TxOutcome>>;
}

/** The latest slot this process has heard of, and a way to hear of the next ones. */
export interface SlotSource {
  latest(): SlotUpdate | null;
  /** When this process received the latest slot, on its own clock (the chain's host may disagree with it). */
  latestReceivedAt(): number | null;
  /** Called for every slot received; returns the unsubscribe. */
  onSlot(listener: (update: SlotUpdate) => void): () => void;
}

/** A slot as the producer commits it: the state after it, and what each due transaction did. */
export interface ProducedSlot extends SlotUpdate {
  readonly outcomes: ReadonlyArray<readonly [signature: string, outcome: TxOutcome]>;
  /** Received transactions that can no longer land (their blockhash expired first): forgotten. */
  readonly dropped: readonly string[];
  /** The symbols of the launch requests this slot took off the queue: applied, or ignored (their pair existed). */
  readonly launches?: readonly string[];
}

/** The chain process's own store: its lease, its state, the queue of received transactions. */
export interface ChainStore {
  /** Takes or renews the lease of the one process that produces slots; false while another holds it. */
  lead(ownerId: string, ttlMs: number): Promise<boolean>;
  /** The last committed slot (with the market's state after it), or null on a new chain. */
  loadState(): Promise<SlotUpdate | null>;
  /** Received transactions due to land by `nowMs` (landsAt ≤ nowMs), at most `limit`. */
  due(nowMs: number, limit: number): Promise<TxRecord[]>;
  /** Launch requests due by `nowMs` (dueAt ≤ nowMs), at most `limit`; the store forgets any it cannot read. */
  dueLaunches(nowMs: number, limit: number): Promise<LaunchRequest[]>;
  /**
   * Commits a slot atomically (outcomes, dropped transactions, launches taken, the new state, the published update)
   * and renews the lease, only if `ownerId` still holds it; false otherwise (nothing written).
   */
  commit(ownerId: string, ttlMs: number, slot: ProducedSlot): Promise<boolean>;
  /** Gives the lease up, if `ownerId` holds it (a graceful stop: the next chain need not wait it out). */
  release(ownerId: string): Promise<void>;
}
