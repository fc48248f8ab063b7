import pino from 'pino';
import { createProcessOrder } from '../../../src/orders/process-order.js';
import { createSubmitOrder } from '../../../src/orders/submit-order.js';
import type { OrderEvent } from '../../../src/protocol/server-messages.js';
import { createSimulatedChain, type SendFailure, type SignedTx } from '../../helpers/simulated-chain.js';
import { createMarket } from '../../../src/venues/market.js';
import { PAIRS, findPair } from '../../../src/venues/pairs.js';
import { createMemoryLedger, createMemoryStore, createVirtualClock } from '../../helpers/memory-store.js';

const log = pino({ level: 'silent' });
export const unlimitedSlots = { acquire: () => ({ bind: () => undefined, release: () => undefined }) };

/** processOrder over an in-memory store, a virtual clock and a simulated chain filling on one seeded market. */
export function harness(options: { sendFailure?: (tx: SignedTx, attempt: number) => SendFailure; beforeLanding?: (tx: SignedTx, at: number) => void } = {}) {
  const { store, orders, events } = createMemoryStore();
  const { ledger, records } = createMemoryLedger();
  const clock = createVirtualClock();
  const market = createMarket({ seed: 'unit', startMs: clock.now() });
  let fills = 0;
  let sends = 0;
  const chain = createSimulatedChain({
    ledger,
    fill: (tx, at) => {
      fills += 1;
      options.beforeLanding?.(tx, at);
      return market.fillRoute(tx.pair, tx.side, tx.legs, tx.limit, at);
    },
    landingDelayMs: () => 1_500,
    sendFailure: (tx, attempt) => {
      sends += 1;
      return options.sendFailure?.(tx, attempt) ?? null;
    },
  });
  let counter = 0;
  const ids = {
    orderId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
    signature: () => `Sig${++counter}`,
  };
  const published: OrderEvent[] = [];
  const deps = {
    store,
    events: { publish: async (event: OrderEvent) => void published.push(event) },
    chain,
    route: async (pair: string, side: 'buy' | 'sell', amount: number) => market.route(pair, side, amount, clock.now()),
    clock,
    ids,
    findPair,
    market: {
      route: (pair: string, side: 'buy' | 'sell', amount: number) => {
        const decision = market.route(pair, side, amount, clock.now());
        return decision && { slot: 1, route: decision.route };
      },
      reference: (pair: string) => market.referencePrice(pair, clock.now()),
      slot: () => 1,
    },
    log,
  };
  const quoteToken = (symbol: string) => PAIRS.find((pair) => pair.quote.symbol === symbol)?.quote;
  const submit = createSubmitOrder({ store, queue: { enqueue: async () => undefined, queuedAmong: async (ids) => new Set(ids) }, clock, ids, findPair, quoteToken, log, openOrders: unlimitedSlots });
  /** A stored, acked order; `deadlineMs: null` stands for one placed before deadlines existed (no deadline). */
  async function newOrder(amount = '2', side: 'buy' | 'sell' = 'buy', deadlineMs: number | null = 10_000) {
    const result = await submit({ op: 'submit', type: 'market', side, pair: 'SOL/USDC', amount, slippageBps: 100, deadlineMs: deadlineMs ?? 10_000 }, 'account', { watch: () => undefined, unwatch: () => undefined });
    if (!result.ok || !('ack' in result)) throw new Error('not accepted');
    const orderId = result.ack.orderId;
    if (deadlineMs === null) orders.set(orderId, { ...orders.get(orderId)!, deadlineMs: null });
    return orderId;
  }
  return { deps, store, orders, events, records, clock, market, published, newOrder, process: createProcessOrder(deps), counts: () => ({ fills, sends }) };
}

/** The first of three delivery attempts. */
export const first = { number: 1, max: 3 };
/** The statuses of the events stored for order `id`, in seq order. */
export const statuses = (h: ReturnType<typeof harness>, id: string) => h.events.get(id)!.map((e) => e.status);
/** The harness's store, with `then` run once a move to `status` is stored (before the step that wrote it carries on). */
export function afterMoveTo(h: ReturnType<typeof harness>, status: string, then: () => void): typeof h.store {
  return {
    ...h.store,
    transition: async (...args) => {
      const result = await h.store.transition(...args);
      if (args[3].status === status) then();
      return result;
    },
  };
}
