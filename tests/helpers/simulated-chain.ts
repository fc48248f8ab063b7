import { BlockhashExpiredError, TransientSendError, type Chain, type SendFailure, type SignedTx, type TxOutcome, type TxRecord, type TxResult, type TxStatus } from '../../src/chain/types.js';

export type { SendFailure, SignedTx, TxOutcome, TxRecord, TxResult };

/** Where the chain keeps what it has seen; shared by every worker process (Redis in production). */
export interface ChainLedger {
  /** Stores the record unless one with the same signature exists; returns the stored one. */
  put(record: TxRecord): Promise<TxRecord>;
  get(signature: string): Promise<TxRecord | null>;
  /** The record and its outcome in one read. */
  lookup(signature: string): Promise<{ record: TxRecord | null; outcome: TxOutcome | null }>;
  /** Claims the right to execute a landed transaction for `ttlMs` (so a crashed claimer is replaced); true for the one winner. */
  claim(signature: string, ttlMs: number): Promise<boolean>;
  /** Stores the outcome unless one exists; returns the stored one, so a landing settles exactly once. */
  settle(signature: string, outcome: TxOutcome): Promise<TxOutcome>;
  outcome(signature: string): Promise<TxOutcome | null>;
}

const CLAIM_TTL_MS = 10_000;
const SETTLE_POLL_MS = 50;

export interface ChainOptions {
  readonly ledger: ChainLedger;
  /** Executes the swap against the simulated pool at landing time. */
  readonly fill: (tx: SignedTx, atMs: number) => TxResult;
  /** How long a received transaction takes to land. */
  readonly landingDelayMs: (tx: SignedTx) => number;
  /** Whether this send fails transiently, and how. */
  readonly sendFailure: (tx: SignedTx, attempt: number) => SendFailure;
  readonly slotMs?: number;
  /** Blocks a blockhash stays valid for (Solana: 150). */
  readonly validBlocks?: number;
}

/**
 * A test double of the Chain port that lands lazily: slots tick at `slotMs` on the clock it is
 * given, a received transaction lands after its delay and is executed at the first look after that
 * (so the pool may have moved since the quote), signatures are deduplicated as on Solana, and a
 * transaction whose blockhash expired is refused. The real chain (src/chain/) lands in slots
 * produced by one process; the order core only sees the port, which both keep.
 */
export function createSimulatedChain(options: ChainOptions): Chain & { lastValidBlockHeight(nowMs: number): number } {
  const { ledger, fill, landingDelayMs, sendFailure } = options;
  const slotMs = options.slotMs ?? 400;
  const validBlocks = options.validBlocks ?? 150;

  const blockHeight = (nowMs: number) => Math.floor(nowMs / slotMs);

  return {
    slotMs,
    blockHeight,
    /** The lastValidBlockHeight a transaction signed now gets. */
    lastValidBlockHeight: (nowMs: number) => blockHeight(nowMs) + validBlocks,
    /** The first moment a transaction valid until `height` can no longer land. */
    expiresAt: (height: number) => (height + 1) * slotMs,

    /** Sends a signed transaction; resending a received one is a no-op. */
    async send(tx: SignedTx, nowMs: number, attempt: number): Promise<number> {
      if (blockHeight(nowMs) > tx.lastValidBlockHeight) throw new BlockhashExpiredError(`blockhash of ${tx.signature} expired`);
      const failure = sendFailure(tx, attempt);
      if (failure === 'refused') throw new TransientSendError(false);
      const stored = await ledger.put({ ...tx, sentAt: nowMs, landsAt: nowMs + Math.max(0, landingDelayMs(tx)) });
      if (failure === 'timeout') throw new TransientSendError(true);
      return stored.landsAt;
    },

    /** What the chain knows of a signature at `nowMs`; the first look after landing executes the swap. */
    async status(signature: string, nowMs: number): Promise<TxStatus> {
      const { record, outcome: settled } = await ledger.lookup(signature);
      if (!record) return { state: 'unknown' };
      if (nowMs < record.landsAt) return { state: 'pending', landsAt: record.landsAt };
      if (settled) return { state: 'landed', outcome: settled };
      // Exactly one caller executes the swap; the others look again shortly.
      if (!(await ledger.claim(signature, CLAIM_TTL_MS))) return { state: 'pending', landsAt: nowMs + SETTLE_POLL_MS };
      const outcome = await ledger.settle(signature, { ...fill(record, record.landsAt), slot: blockHeight(record.landsAt) });
      return { state: 'landed', outcome };
    },
  };
}

export type SimulatedChain = ReturnType<typeof createSimulatedChain>;

export { BlockhashExpiredError, TransientSendError, type TxStatus };
