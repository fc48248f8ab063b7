import { ERRORS, EngineError, type ErrorCode } from '../errors.js';
import { formatPrice, formatUnits } from '../protocol/decimal.js';
import { sideDecimals, toWireLimit, toWireQuote } from '../protocol/wire-quote.js';
import { BlockhashExpiredError, TransientSendError, type SignedTx, type SimulatedChain, type TxOutcome } from '../venues/chain.js';
import { chooseRoute, slippageLimit } from '../venues/router.js';
import { DEXES, type Dex, type PairSpec, type Quote, type Side, type SlippageLimit } from '../venues/types.js';
import type { Order, OrderChanges } from './order.js';
import type { Clock, EventDraft, EventPublisher, Ids, OrderStore, Logger } from './ports.js';
import { isTerminal, type OrderStatus } from './status.js';

export interface ProcessDeps {
  readonly store: OrderStore;
  readonly events: EventPublisher;
  readonly chain: SimulatedChain;
  readonly quote: (dex: Dex, pair: string, side: Side, amount: number) => Promise<Quote | null>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly findPair: (symbol: string) => PairSpec | undefined;
  readonly log: Logger;
}

/** Which delivery of the job this is: BullMQ runs a job at least once, up to `max` attempts. */
export interface Attempt {
  readonly number: number;
  readonly max: number;
}

/**
 * Drives one order from wherever it stands to a terminal status. Every step is guarded in the store
 * and re-entrant, so a retried or re-delivered job resumes instead of repeating: a saved signature is
 * looked up on the chain before anything is sent again, and an order is never executed twice.
 * Throws TransientSendError when the attempt should be retried; returns the order once terminal.
 */
export function createProcessOrder(deps: ProcessDeps) {
  const { store, events, chain, clock, ids, findPair } = deps;

  return async function processOrder(orderId: string, attempt: Attempt): Promise<Order> {
    const started = await store.startAttempt(orderId, attempt.number, { type: 'order', orderId, status: 'routing', ts: clock.now() });
    if (!started) throw new EngineError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    if (started.event) await events.publish(started.event);
    let order = started.order;
    if (isTerminal(order.status)) {
      // Delivered again after it ended: its last event may never have been published (Redis failed
      // right after the commit), so publish it again; gateways drop what they already have.
      const [last] = await store.eventsAfter(orderId, order.lastSeq - 1);
      if (last && last.type === 'order') await events.publish(last);
      return order;
    }
    const pair = findPair(order.pair);
    if (!pair) throw new EngineError('INTERNAL_ERROR', `order ${orderId} has unknown pair ${order.pair}`);
    const run: Run = { pair, attempt, amount: Number(order.amount), log: deps.log.child({ orderId, attempt: attempt.number }) };
    while (!isTerminal(order.status)) order = await step(order, run);
    return order;
  };

  function step(order: Order, run: Run): Promise<Order> {
    switch (order.status) {
      case 'pending':
        return advance(order, 'pending', {}, { type: 'order', orderId: order.id, status: 'routing', ts: clock.now() });
      case 'routing':
        return route(order, run);
      case 'building':
        return send(order, run);
      case 'submitted':
        return settle(order, run);
      case 'confirmed':
      case 'failed':
      case 'cancelled':
        return Promise.resolve(order);
    }
  }

  async function route(order: Order, run: Run): Promise<Order> {
    const quotes = await Promise.all(DEXES.map((dex) => deps.quote(dex, order.pair, order.side, run.amount)));
    const decision = chooseRoute(quotes, order.side);
    if (!decision) {
      run.log.info({ quotes }, 'no venue can fill this size');
      return fail(order, run, 'INSUFFICIENT_LIQUIDITY', `no venue can fill ${order.amount} ${run.pair.base.symbol}`);
    }
    const { best, reason } = decision;
    const limit = slippageLimit(best, order.slippageBps);
    run.log.info({ quotes: decision.quotes, dex: best.dex, reason, limit }, 'routed');
    // The transaction is signed here and its signature saved with the route, in the same statement:
    // saved before it is ever sent, and one write fewer per order.
    const signed = { txHash: ids.signature(), lastValidBlockHeight: chain.lastValidBlockHeight(clock.now()) };
    run.signed = signed.txHash;
    return advance(order, 'routing', { dex: best.dex, limitAmount: String(limitAmount(limit)), ...signed }, {
      type: 'order',
      orderId: order.id,
      status: 'building',
      dex: best.dex,
      side: order.side,
      quotes: decision.quotes.map((quote) => toWireQuote(quote, run.pair)),
      limit: toWireLimit(limit, run.pair),
      reason,
      ts: clock.now(),
    });
  }

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
    try {
      await chain.send(txOf(current, run), clock.now(), run.attempt.number);
    } catch (err) {
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
    return advance(order, 'building', {}, {
      type: 'order',
      orderId: order.id,
      status: 'submitted',
      dex: order.dex!,
      txHash: order.txHash!,
      ts: clock.now(),
    });
  }

  /** Waits for the submitted transaction to land and records what it did. */
  async function settle(order: Order, run: Run): Promise<Order> {
    const status = await chain.status(order.txHash!, clock.now());
    switch (status.state) {
      case 'pending':
        await clock.sleep(Math.max(1, status.landsAt - clock.now()));
        return order;
      case 'unknown':
        return resend(order, run);
      case 'landed':
        return landed(order, run, status.outcome);
    }
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
      await clock.sleep(Math.max(1, chain.expiresAt(order.lastValidBlockHeight!) - clock.now()));
    }
    return order;
  }

  function landed(order: Order, run: Run, outcome: TxOutcome): Promise<Order> {
    if (!outcome.ok) {
      if (outcome.code === 'SLIPPAGE_EXCEEDED') {
        const { attempted, limit } = outcome;
        const decimals = run.pair.quote.decimals;
        const detail =
          limit.side === 'buy'
            ? `the fill would pay ${formatUnits(attempted.amountIn, decimals)} ${run.pair.quote.symbol}, above the limit ${formatUnits(limit.maxAmountIn, decimals)}`
            : `the fill would receive ${formatUnits(attempted.amountOut, decimals)} ${run.pair.quote.symbol}, below the limit ${formatUnits(limit.minAmountOut, decimals)}`;
        return fail(order, run, 'SLIPPAGE_EXCEEDED', `${detail} (${order.slippageBps} bps); the swap reverted`);
      }
      return fail(order, run, 'INSUFFICIENT_LIQUIDITY', `the pool could not fill ${order.amount} ${run.pair.base.symbol} at landing`);
    }
    const { fill } = outcome;
    const decimals = sideDecimals(run.pair, fill.side);
    const amountIn = formatUnits(fill.amountIn, decimals.in);
    const amountOut = formatUnits(fill.amountOut, decimals.out);
    const executedPrice = formatPrice(fill.price, run.pair.quote.decimals);
    run.log.info({ dex: fill.dex, txHash: order.txHash, executedPrice, amountIn, amountOut }, 'confirmed');
    return advance(order, 'submitted', { executedPrice, amountOut }, {
      type: 'order',
      orderId: order.id,
      status: 'confirmed',
      dex: fill.dex,
      txHash: order.txHash!,
      executedPrice,
      amountIn,
      amountOut,
      fee: formatUnits(fill.fee, run.pair.quote.decimals),
      ts: clock.now(),
    });
  }

  function fail(order: Order, run: Run, code: ErrorCode, reason: string): Promise<Order> {
    run.log.info({ code, reason }, 'order failed');
    return advance(order, order.status, { failureCode: code, failureReason: reason, attempts: run.attempt.number }, {
      type: 'order',
      orderId: order.id,
      status: 'failed',
      error: { code, message: `${ERRORS[code].message}: ${reason}` },
      attempts: run.attempt.number,
      ...(order.dex !== null && { dex: order.dex }),
      ...(order.txHash !== null && { txHash: order.txHash }),
      ts: clock.now(),
    });
  }

  /** Applies a guarded status change, then publishes its (already persisted) event. */
  async function advance(order: Order, from: OrderStatus, changes: OrderChanges, draft: EventDraft): Promise<Order> {
    const result = await store.transition(order.id, from, changes, draft);
    if (!result) return reload(order.id); // another delivery of this job moved it first; carry on from there
    await events.publish(result.event);
    return result.order;
  }

  async function reload(orderId: string): Promise<Order> {
    const order = await store.get(orderId);
    if (!order) throw new EngineError('INTERNAL_ERROR', `order ${orderId} vanished`);
    return order;
  }

  function txOf(order: Order, run: Run): SignedTx {
    const limitValue = Number(order.limitAmount);
    const limit: SlippageLimit = order.side === 'buy' ? { side: 'buy', maxAmountIn: limitValue } : { side: 'sell', minAmountOut: limitValue };
    return {
      signature: order.txHash!,
      orderId: order.id,
      dex: order.dex!,
      pair: order.pair,
      side: order.side,
      amount: run.amount,
      limit,
      lastValidBlockHeight: order.lastValidBlockHeight!,
    };
  }
}

interface Run {
  /** The signature this delivery signed, if any (known never to have been sent before). */
  signed?: string;
  readonly pair: PairSpec;
  readonly attempt: Attempt;
  readonly amount: number;
  readonly log: Logger;
}

function limitAmount(limit: SlippageLimit): number {
  return limit.side === 'buy' ? limit.maxAmountIn : limit.minAmountOut;
}

export type ProcessOrder = ReturnType<typeof createProcessOrder>;
