import type { SlotSource, TxLedger } from './ports.js';
import { BlockhashExpiredError, TransientSendError, VoidedTxError, type Chain, type SendFailure, type SignedTx, type TxOutcome, type TxStatus } from './types.js';

export interface ChainClientOptions {
  readonly ledger: TxLedger;
  readonly slots: SlotSource;
  readonly slotMs: number;
  /** Blocks a blockhash stays valid for (Solana: 150). */
  readonly validBlocks: number;
  /** How long a received transaction takes to land (network and confirmation). */
  readonly landingDelayMs: (tx: SignedTx) => number;
  /** Whether the simulated RPC node fails this send, and how. */
  readonly sendFailure: (tx: SignedTx, attempt: number) => SendFailure;
  /** This process's clock (a landing waiter gives up on it even while no slot comes). */
  readonly now: () => number;
}

/** A moment after the slot boundary, so a look finds the slot committed rather than just about to be. */
const AFTER_SLOT_MS = 20;
/** How soon to look again while the slot that should land a transaction is overdue. */
const OVERDUE_LOOK_MS = 50;
/** A waiter is let go after this many slots without its landing, to look for itself (a missed slot, a dropped transaction). */
const WAIT_SLOTS = 5;
/** Most signatures looked up in one read. */
const LOOKUP_BATCH = 1_000;

/**
 * The chain as a client (a worker) reaches it, like an RPC node: heights from the slots it has
 * heard of, sends that record the transaction for the chain process to land, status lookups in
 * the shared ledger. The RPC node itself is simulated here: it may refuse a send, or time out
 * after forwarding it (`sendFailure`).
 */
export function createChainClient(options: ChainClientOptions): Chain {
  const { ledger, slots, slotMs, validBlocks } = options;
  const height = () => slots.latest()?.slot ?? 0;

  // signatureSubscribe: the transactions waiting to land, looked up together once per slot.
  const waiting = new Map<string, { landsAt: number; giveUpAt: number; resolvers: Array<(outcome: TxOutcome | null) => void> }>();
  let looking = false;
  const release = (signature: string, outcome: TxOutcome | null) => {
    const waiter = waiting.get(signature);
    waiting.delete(signature);
    waiter?.resolvers.forEach((resolve) => resolve(outcome));
  };
  slots.onSlot(() => {
    if (looking || waiting.size === 0) return;
    looking = true;
    void lookForLandings().finally(() => (looking = false));
  });
  // While any wait, a timer lets go of those past their time even when no slot comes (the chain
  // down, the stream broken): each then looks for itself, and its job stays in hand, not stuck.
  let sweeper: ReturnType<typeof setInterval> | undefined;
  const sweep = () => {
    const now = options.now();
    for (const [signature, waiter] of waiting) if (waiter.giveUpAt <= now) release(signature, null);
    if (waiting.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  async function lookForLandings(): Promise<void> {
    const receivedAt = slots.latestReceivedAt() ?? 0;
    // Generous: a look too early costs a key in a batched read; a look too late costs a slot.
    const due = [...waiting].filter(([, waiter]) => waiter.landsAt <= receivedAt + slotMs / 2).map(([signature]) => signature);
    for (let i = 0; i < due.length; i += LOOKUP_BATCH) {
      const batch = due.slice(i, i + LOOKUP_BATCH);
      // A failed read lets the batch go: each looks for itself, as without the subscription.
      const landed = await ledger.landedAmong(batch).catch(() => new Map(batch.map((signature) => [signature, null] as const)));
      landed.forEach((outcome, signature) => release(signature, outcome));
    }
  }

  /**
   * When to look again for a transaction due at `dueMs`: just after the first slot this client
   * expects from then (timed on its own clock, from when it received the latest slot); soon, if
   * that slot is overdue (a busy or restarting chain), rather than a whole slot later.
   */
  function nextLookAt(nowMs: number, dueMs: number): number {
    const receivedAt = slots.latestReceivedAt();
    if (receivedAt === null) return nowMs + slotMs;
    const overdue = nowMs >= dueMs && nowMs > receivedAt + slotMs + AFTER_SLOT_MS;
    if (overdue) return nowMs + OVERDUE_LOOK_MS;
    const from = Math.max(nowMs, dueMs);
    return receivedAt + (Math.floor(Math.max(0, from - receivedAt) / slotMs) + 1) * slotMs + AFTER_SLOT_MS;
  }

  return {
    slotMs,
    blockHeight: () => height(),
    lastValidBlockHeight: () => height() + validBlocks,
    expiresAt: (lastValid, nowMs) => nowMs + Math.max(0, lastValid - height() + 1) * slotMs,

    async send(tx, nowMs, attempt) {
      if (height() > tx.lastValidBlockHeight) throw new BlockhashExpiredError(`blockhash of ${tx.signature} expired`);
      const failure = options.sendFailure(tx, attempt);
      if (failure === 'refused') throw new TransientSendError(false);
      const landsAt = nowMs + Math.max(0, options.landingDelayMs(tx));
      if (!(await ledger.submit({ ...tx, sentAt: nowMs, landsAt }))) throw new VoidedTxError(`${tx.signature} was voided: its order expired`);
      if (failure === 'timeout') throw new TransientSendError(true);
      return landsAt;
    },

    voidTx: (signature) => ledger.voidSignature(signature),

    waitForLanding(signature, landsAt, nowMs) {
      return new Promise<TxOutcome | null>((resolve) => {
        const waiter = waiting.get(signature);
        if (waiter) return void waiter.resolvers.push(resolve);
        waiting.set(signature, { landsAt, giveUpAt: Math.max(nowMs, landsAt) + WAIT_SLOTS * slotMs, resolvers: [resolve] });
        if (!sweeper) {
          sweeper = setInterval(sweep, slotMs);
          sweeper.unref();
        }
      });
    },

    async status(signature, nowMs): Promise<TxStatus> {
      const { record, outcome } = await ledger.lookup(signature);
      if (outcome) return { state: 'landed', outcome };
      if (!record) return { state: 'unknown' };
      // Received: it lands in the first slot produced from landsAt on (later if the chain is down or busy).
      return { state: 'pending', landsAt: nextLookAt(nowMs, record.landsAt) };
    },
  };
}
