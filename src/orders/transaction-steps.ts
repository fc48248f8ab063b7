import { formatPrice, formatUnits } from '../protocol/decimal.js';
import { pricedByLimit } from './resting-terms.js';
import { BlockhashExpiredError, TransientSendError, VoidedTxError, type Chain, type SignedTx, type TxOutcome, type TxStatus } from '../chain/types.js';
import type { Dex, PairSpec, SlippageLimit } from '../venues/types.js';
import type { Order } from './order.js';
import { confirmedEvent, submittedEvent } from './order-events.js';
import { createOrderMoves, type Run } from './order-moves.js';
import type { Clock, EventPublisher, Ids, OrderStore } from './ports.js';

export interface TransactionDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly chain: Chain;
  readonly clock: Clock;
  readonly ids: Ids;
}

/**
 * The steps of a routed order's transaction: `send` takes a `building` order to `submitted` (signing
 * or re-signing as needed), `settle` takes a `submitted` one to where its transaction landed. Each
 * returns the order as it now stands; a step that is to be tried again returns it unchanged.
 */
export function createTransactionSteps(deps: TransactionDeps) {
  const { store, chain, clock, ids } = deps;
  const { advance, fail, expireIfLate, lateBy, reload, restAgain } = createOrderMoves(deps);

  /** Signs (or re-sends) the order's transaction; only a send the chain accepted moves it to `submitted`. */
  async function send(order: Order, run: Run): Promise<Order> {
    let current = order;
    // A transaction this very delivery signed has never been sent: no need to ask the chain about it.
    if (current.txHash !== null && current.txHash === run.signed) {
      // fall through to the send
    } else if (current.txHash !== null && current.lastValidBlockHeight !== null) {
      const status = await chain.status(current.txHash, clock.now());
      // An earlier attempt's send reached the chain after all: never send a second transaction.
      if (status.state !== 'unknown') return submitted(current);
      if (chain.blockHeight(clock.now()) > current.lastValidBlockHeight) current = await sign(current, run);
    } else {
      current = await sign(current, run);
    }
    if (current.status !== 'building') return current;
    // The chain has not seen this transaction (or it was just signed): past the deadline it is never
    // sent. Another delivery of the job may be sending it this very moment, so it is voided on the
    // chain first; if the chain has it after all, it is submitted, not expired.
    if (lateBy(current) > 0) {
      if (chain.voidTx && !(await chain.voidTx(current.txHash!))) return submitted(current);
      const late = expireIfLate(current, run);
      if (late) return late;
    }
    try {
      run.sentLandsAt = await chain.send(txOf(current, run), clock.now(), run.attempt.number);
    } catch (err) {
      if (err instanceof VoidedTxError) return reload(current.id); // another delivery expired it first
      if (err instanceof BlockhashExpiredError) {
        run.signed = undefined; // expired before it was ever sent: the next step looks it up and signs anew
        return current;
      }
      if (!(err instanceof TransientSendError)) throw err;
      run.log.warn({ err, txHash: current.txHash }, 'send failed');
      if (run.attempt.number < run.attempt.max) throw err;
      // Last attempt: report failure only if the chain has not got the transaction (it could still land).
      const status = await chain.status(current.txHash!, clock.now());
      if (status.state !== 'unknown') return submitted(current);
      return fail(current, run, 'EXECUTION_FAILED', `${err.message} (after ${run.attempt.number} attempts)`);
    }
    return submitted(current);
  }

  async function sign(order: Order, run: Run): Promise<Order> {
    const tx = { txHash: ids.signature(), lastValidBlockHeight: chain.lastValidBlockHeight(clock.now()) };
    const saved = await store.saveTx(order.id, order.status, order.txHash, tx);
    if (saved) {
      run.signed = tx.txHash;
      run.log.debug({ txHash: tx.txHash, previous: order.txHash }, 'signed');
      return saved;
    }
    return reload(order.id);
  }

  function submitted(order: Order): Promise<Order> {
    return advance(order, 'building', {}, submittedEvent(order.id, { dex: order.dex!, txHash: order.txHash! }, clock.now()));
  }

  /** Waits for the submitted transaction to land and records what it did. */
  async function settle(order: Order, run: Run): Promise<Order> {
    const status = await lookUp(order, run);
    switch (status.state) {
      case 'pending':
        // One look per slot for all the transactions waiting, rather than one poll each.
        if (chain.waitForLanding) run.outcome = (await chain.waitForLanding(order.txHash!, status.landsAt, clock.now())) ?? undefined;
        else await clock.sleep(Math.max(1, status.landsAt - clock.now()));
        return order;
      case 'unknown':
        return resend(order, run);
      case 'landed':
        return landed(order, run, status.outcome);
    }
  }

  /** What is known of the order's transaction: from this delivery's own send or subscription if it can, else from the chain. */
  async function lookUp(order: Order, run: Run): Promise<TxStatus> {
    const { outcome, sentLandsAt } = run;
    run.outcome = undefined;
    run.sentLandsAt = undefined;
    if (outcome) return { state: 'landed', outcome };
    // Just sent by this delivery: it is pending for sure until it is due.
    if (sentLandsAt !== undefined && clock.now() < sentLandsAt + chain.slotMs) return { state: 'pending', landsAt: sentLandsAt };
    return chain.status(order.txHash!, clock.now());
  }

  /**
   * The chain has no record of a transaction it accepted (its ledger was lost). While the blockhash
   * is valid the same transaction is sent again; once it has expired it can never land, and only
   * then is the order reported failed.
   */
  async function resend(order: Order, run: Run): Promise<Order> {
    if (chain.blockHeight(clock.now()) > order.lastValidBlockHeight!) {
      return fail(order, run, 'EXECUTION_FAILED', 'the transaction expired without landing');
    }
    run.log.warn({ txHash: order.txHash }, 'submitted transaction unknown to the chain; sending it again');
    try {
      await chain.send(txOf(order, run), clock.now(), run.attempt.number);
    } catch (err) {
      if (err instanceof BlockhashExpiredError) return order; // the next look fails it
      if (!(err instanceof TransientSendError) || run.attempt.number < run.attempt.max) throw err;
      // Last attempt: it might still land, so wait until it no longer can, then look again.
      await clock.sleep(Math.max(1, chain.expiresAt(order.lastValidBlockHeight!, clock.now()) - clock.now()));
    }
    return order;
  }

  function landed(order: Order, run: Run, outcome: TxOutcome): Promise<Order> {
    if (!outcome.ok) {
      // A limit or sniper whose swap reverted was never worse than its price: it rests again (or ends, IOC).
      if (pricedByLimit(order)) {
        const why = outcome.code === 'SLIPPAGE_EXCEEDED' ? limitReason(outcome, run.pair) : 'the pool could not fill it at landing';
        return restAgain(order, run, 'LIMIT_NOT_REACHED', why, null);
      }
      if (outcome.code === 'SLIPPAGE_EXCEEDED') return fail(order, run, 'SLIPPAGE_EXCEEDED', slippageReason(outcome, run.pair, order.slippageBps));
      return fail(order, run, 'INSUFFICIENT_LIQUIDITY', `the pool could not fill ${order.amount} ${run.pair.base.symbol} at landing`);
    }
    const fill = { dex: order.dex!, side: order.side, amountIn: outcome.amountIn, amountOut: outcome.amountOut, fee: outcome.fee, price: outcome.price };
    const event = confirmedEvent(order.id, order.txHash!, fill, run.pair, clock.now());
    const { executedPrice, amountIn, amountOut } = event;
    run.log.info({ dex: event.dex, txHash: order.txHash, executedPrice, amountIn, amountOut }, 'confirmed');
    return advance(order, 'submitted', { executedPrice, amountOut }, event);
  }

  return { send, settle };
}

export type TransactionSteps = ReturnType<typeof createTransactionSteps>;

/** The transaction as it was signed, rebuilt from the order: a re-send is the same bytes. */
function txOf(order: Order, run: Run): SignedTx {
  const limitValue = Number(order.limitAmount);
  const limit: SlippageLimit = order.side === 'buy' ? { side: 'buy', maxAmountIn: limitValue } : { side: 'sell', minAmountOut: limitValue };
  return {
    signature: order.txHash!,
    orderId: order.id,
    pair: order.pair,
    side: order.side,
    amount: run.amount,
    legs: order.legs ?? [{ dex: order.dex as Dex, amount: run.amount }],
    limit,
    lastValidBlockHeight: order.lastValidBlockHeight!,
  };
}

function limitReason(outcome: Extract<TxOutcome, { code: 'SLIPPAGE_EXCEEDED' }>, pair: PairSpec): string {
  const { attempted } = outcome;
  const base = outcome.limit.side === 'buy' ? attempted.amountOut : attempted.amountIn;
  const price = (outcome.limit.side === 'buy' ? attempted.amountIn : attempted.amountOut) / base;
  return `the market moved before landing (the swap would have filled at ${formatPrice(price, pair.quote.decimals)}); it reverted`;
}

function slippageReason(outcome: Extract<TxOutcome, { code: 'SLIPPAGE_EXCEEDED' }>, pair: PairSpec, slippageBps: number): string {
  const { attempted, limit } = outcome;
  const decimals = pair.quote.decimals;
  const detail =
    limit.side === 'buy'
      ? `the fill would pay ${formatUnits(attempted.amountIn, decimals)} ${pair.quote.symbol}, above the limit ${formatUnits(limit.maxAmountIn, decimals)}`
      : `the fill would receive ${formatUnits(attempted.amountOut, decimals)} ${pair.quote.symbol}, below the limit ${formatUnits(limit.minAmountOut, decimals)}`;
  return `${detail} (${slippageBps} bps); the swap reverted`;
}
