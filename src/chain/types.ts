import type { Dex, LaunchSpec, Quote, Side, SlippageLimit } from '../venues/types.js';

/** One swap instruction of a transaction: `amount` BASE through one venue's pool. */
export interface TxLeg {
  readonly dex: Dex;
  readonly amount: number;
}

/**
 * A signed swap transaction: everything needed to send it again, byte for byte. One leg, or two
 * (a split route) executed atomically: the slippage limit bounds the whole transaction.
 */
export interface SignedTx {
  readonly signature: string;
  readonly orderId: string;
  readonly pair: string;
  readonly side: Side;
  /** The order's size in BASE: the sum of the legs. */
  readonly amount: number;
  readonly legs: readonly TxLeg[];
  readonly limit: SlippageLimit;
  readonly lastValidBlockHeight: number;
}

/** A transaction the chain has received, with the time it lands (at the first slot from then). */
export interface TxRecord extends SignedTx {
  readonly sentAt: number;
  readonly landsAt: number;
}

/** A launch the chain is asked for (`npm run chain -- launch`): applied in the first slot produced from `dueAt` on. */
export interface LaunchRequest extends LaunchSpec {
  /** When it is due, ms since the epoch. */
  readonly dueAt: number;
  /** When it was asked for, ms since the epoch. */
  readonly requestedAt: number;
}

/** What a route's execution did at landing: every leg filled, or it reverted as a whole. */
export type TxOutcome =
  | {
      readonly ok: true;
      readonly slot: number;
      readonly fills: readonly Quote[];
      readonly amountIn: number;
      readonly amountOut: number;
      readonly fee: number;
      /** Effective price over the legs, QUOTE per BASE. */
      readonly price: number;
    }
  | {
      readonly ok: false;
      readonly slot: number;
      readonly code: 'SLIPPAGE_EXCEEDED';
      readonly attempted: { readonly amountIn: number; readonly amountOut: number };
      readonly limit: SlippageLimit;
    }
  | { readonly ok: false; readonly slot: number; readonly code: 'INSUFFICIENT_LIQUIDITY' };

/** What executing a transaction did, before the chain stamps the slot it landed in. */
export type TxResult = TxOutcome extends infer T ? (T extends unknown ? Omit<T, 'slot'> : never) : never;

/** What the chain knows of a signature (Solana's getSignatureStatuses, simplified). */
export type TxStatus =
  | { readonly state: 'unknown' }
  /** Received, not landed yet: look again at `landsAt`. */
  | { readonly state: 'pending'; readonly landsAt: number }
  | { readonly state: 'landed'; readonly outcome: TxOutcome };

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

/** The transaction was voided (its order expired) before this send reached the chain: it never will. */
export class VoidedTxError extends Error {
  override readonly name = 'VoidedTxError';
  readonly code = 'TX_VOIDED';
}

/** The chain has produced no slot for too long (its process is down): nothing can be routed against it now. */
export class ChainUnavailableError extends Error {
  override readonly name = 'ChainUnavailableError';
  readonly code = 'CHAIN_UNAVAILABLE';
}

/** How the simulated RPC answers a send: as asked, refused before the chain sees it, or timed out after forwarding it. */
export type SendFailure = 'refused' | 'timeout' | null;

/**
 * The chain as the order core uses it, shaped like a Solana RPC node: block height and a fresh
 * blockhash's validity, sendTransaction, getSignatureStatuses. Heights are the chain's slots: they
 * do not advance while the chain is down, so nothing expires then.
 */
export interface Chain {
  /** Length of a slot, ms. */
  readonly slotMs: number;
  /** The current block height, as far as this client knows. */
  blockHeight(nowMs: number): number;
  /** The lastValidBlockHeight a transaction signed now gets (getLatestBlockhash). */
  lastValidBlockHeight(nowMs: number): number;
  /** About when a transaction valid until `height` can no longer land. */
  expiresAt(height: number, nowMs: number): number;
  /** Sends a signed transaction; resending a received one is a no-op (signatures are deduplicated). Resolves with when it is due to land. */
  send(tx: SignedTx, nowMs: number, attempt: number): Promise<number>;
  /** What the chain knows of a signature at `nowMs`. */
  status(signature: string, nowMs: number): Promise<TxStatus>;
  /**
   * Makes sure the chain never takes this signature from now on: true if it had not received it
   * (a later send is refused with VoidedTxError), false if it already has it. Lets an order be
   * expired while another delivery of its job may be sending the same transaction.
   */
  voidTx?(signature: string): Promise<boolean>;
  /**
   * Resolves with the outcome once the pending transaction has landed, or with null when it is
   * worth looking again (signatureSubscribe): the caller then asks `status`. Without it the caller
   * sleeps until `landsAt`.
   */
  waitForLanding?(signature: string, landsAt: number, nowMs: number): Promise<TxOutcome | null>;
}
