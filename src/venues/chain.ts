import type { Dex, FillResult, Side, SlippageLimit } from './types.js';

/** A signed swap transaction: everything needed to send it again, byte for byte. */
export interface SignedTx {
  readonly signature: string;
  readonly orderId: string;
  readonly dex: Dex;
  readonly pair: string;
  readonly side: Side;
  readonly amount: number;
  readonly limit: SlippageLimit;
  readonly lastValidBlockHeight: number;
}

/** A transaction the chain has received, with the time it will land. */
export interface TxRecord extends SignedTx {
  readonly sentAt: number;
  readonly landsAt: number;
}

/** What landing did: the swap filled, or its slippage check reverted it, or the pool was too thin. */
export type TxOutcome = FillResult | { readonly ok: false; readonly code: 'INSUFFICIENT_LIQUIDITY' };

export type TxStatus =
  | { readonly state: 'unknown' }
  | { readonly state: 'pending'; readonly landsAt: number }
  | { readonly state: 'landed'; readonly landedAt: number; readonly outcome: TxOutcome };

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

/** A send the RPC did not confirm. `reachedChain` says whether the chain in fact got it (a timeout) or not (a refusal). */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
  readonly code = 'TRANSIENT_SEND_FAILURE';
  constructor(readonly reachedChain: boolean) {
    super(reachedChain ? 'RPC timed out after forwarding the transaction' : 'RPC refused the transaction (node behind, try again)');
  }
}

/** The transaction's blockhash is too old: it can never land and must be built anew. */
export class BlockhashExpiredError extends Error {
  override readonly name = 'BlockhashExpiredError';
  readonly code = 'BLOCKHASH_EXPIRED';
}

export type SendFailure = 'refused' | 'timeout' | null;

const CLAIM_TTL_MS = 10_000;
const SETTLE_POLL_MS = 50;

export interface ChainOptions {
  readonly ledger: ChainLedger;
  /** Executes the swap against the simulated pool at landing time. */
  readonly fill: (tx: SignedTx, atMs: number) => TxOutcome;
  /** How long a received transaction takes to land. */
  readonly landingDelayMs: (tx: SignedTx) => number;
  /** Whether this send fails transiently, and how. */
  readonly sendFailure: (tx: SignedTx, attempt: number) => SendFailure;
  readonly slotMs?: number;
  /** Blocks a blockhash stays valid for (Solana: 150). */
  readonly validBlocks?: number;
}

/**
 * A small simulated chain: slots tick at `slotMs`, a received transaction lands after its delay and
 * is executed then (so the pool may have moved since the quote), signatures are deduplicated as on
 * Solana, and a transaction whose blockhash expired is refused.
 */
export function createSimulatedChain(options: ChainOptions) {
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
    async send(tx: SignedTx, nowMs: number, attempt: number): Promise<TxRecord> {
      if (blockHeight(nowMs) > tx.lastValidBlockHeight) throw new BlockhashExpiredError(`blockhash of ${tx.signature} expired`);
      const failure = sendFailure(tx, attempt);
      if (failure === 'refused') throw new TransientSendError(false);
      const record = await ledger.put({ ...tx, sentAt: nowMs, landsAt: nowMs + Math.max(0, landingDelayMs(tx)) });
      if (failure === 'timeout') throw new TransientSendError(true);
      return record;
    },

    /** What the chain knows of a signature at `nowMs`; the first look after landing executes the swap. */
    async status(signature: string, nowMs: number): Promise<TxStatus> {
      const { record, outcome: settled } = await ledger.lookup(signature);
      if (!record) return { state: 'unknown' };
      if (nowMs < record.landsAt) return { state: 'pending', landsAt: record.landsAt };
      if (settled) return { state: 'landed', landedAt: record.landsAt, outcome: settled };
      // Exactly one caller executes the swap; the others look again shortly.
      if (!(await ledger.claim(signature, CLAIM_TTL_MS))) return { state: 'pending', landsAt: nowMs + SETTLE_POLL_MS };
      const outcome = await ledger.settle(signature, fill(record, record.landsAt));
      return { state: 'landed', landedAt: record.landsAt, outcome };
    },
  };
}

export type SimulatedChain = ReturnType<typeof createSimulatedChain>;
