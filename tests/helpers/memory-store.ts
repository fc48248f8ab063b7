import type { Order } from '../../src/orders/order.js';
import type { OrderStore } from '../../src/orders/ports.js';
import { isTerminal } from '../../src/orders/status.js';
import type { OrderEvent, OrderUpdate } from '../../src/protocol/server-messages.js';
import type { ChainLedger, TxOutcome, TxRecord } from './simulated-chain.js';

/** An in-memory OrderStore with the same guards as the SQL one, for unit tests of the core. */
export function createMemoryStore() {
  const orders = new Map<string, Order>();
  const events = new Map<string, OrderUpdate[]>();
  const store: OrderStore = {
    async create(order, ack) {
      if (orders.has(order.id)) throw new Error('duplicate key');
      const existing = [...orders.values()].find(
        (o) => order.clientOrderId !== null && o.accountId === order.accountId && o.clientOrderId === order.clientOrderId,
      );
      if (existing) return { status: 'duplicate', existing };
      orders.set(order.id, {
        ...order,
        status: 'pending',
        dex: null,
        legs: null,
        limitAmount: null,
        txHash: null,
        lastValidBlockHeight: null,
        executedPrice: null,
        amountOut: null,
        failureCode: null,
        failureReason: null,
        attempts: 0,
        triggeredAt: null,
        lastSeq: 1,
        followers: [],
        createdAt: ack.ts,
        updatedAt: ack.ts,
      });
      events.set(order.id, [ack]);
      return { status: 'created' };
    },
    async getByClientOrderId(accountId, clientOrderId) {
      return [...orders.values()].find((o) => o.accountId === accountId && o.clientOrderId === clientOrderId) ?? null;
    },
    async cancel(orderId, draft) {
      const current = orders.get(orderId);
      if (!current || !(['pending', 'open', 'routing'].includes(current.status) || (current.status === 'building' && current.txHash === null))) return null;
      return store.transition(orderId, current.status, {}, draft);
    },
    async cancellableOf(accountId, pair) {
      return [...orders.values()]
        .filter((o) => o.accountId === accountId && ['pending', 'open', 'routing', 'building'].includes(o.status) && (pair === undefined || o.pair === pair))
        .map((o) => o.id);
    },
    async list({ accountId, limit, status }) {
      const all = [...orders.values()].filter((o) => o.accountId === accountId && (!status || o.status === status)).reverse();
      return { orders: all.slice(0, limit), next: null };
    },
    async get(orderId) {
      return orders.get(orderId) ?? null;
    },
    async follow(orderId, follower) {
      const current = orders.get(orderId);
      if (current && !isTerminal(current.status) && !current.followers.includes(follower)) orders.set(orderId, { ...current, followers: [...current.followers, follower] });
    },
    async transition(orderId, from, changes, draft, guard) {
      const current = orders.get(orderId);
      if (!current || current.status !== from) return null;
      if (guard?.expectedSeq !== undefined && current.lastSeq !== guard.expectedSeq) return null;
      const via = guard?.via ? ({ ...guard.via, seq: current.lastSeq + 1 } as OrderEvent) : undefined;
      const seq = current.lastSeq + (via ? 2 : 1);
      // Back to `open`: the route and transaction of the trigger that did not fill are cleared.
      const reset = draft.status === 'open' ? { dex: null, legs: null, limitAmount: null, txHash: null, lastValidBlockHeight: null } : {};
      const order: Order = { ...current, ...changes, ...reset, status: draft.status, lastSeq: seq };
      orders.set(orderId, order);
      const event = { ...draft, seq } as OrderEvent;
      if (via) events.get(orderId)!.push(via);
      events.get(orderId)!.push(event);
      return via ? { order, event, via } : { order, event };
    },
    async saveTx(orderId, status, previousTxHash, tx) {
      const current = orders.get(orderId);
      if (!current || current.status !== status || current.txHash !== previousTxHash) return null;
      const order = { ...current, ...tx };
      orders.set(orderId, order);
      return order;
    },
    async startAttempt(orderId, attempt) {
      const current = orders.get(orderId);
      if (!current) return null;
      // A finished order keeps its count; a pending market order is only read (its first move records the attempt).
      if (isTerminal(current.status) || (current.status === 'pending' && current.type === 'market')) return current;
      const order = { ...current, attempts: Math.max(current.attempts, attempt) };
      orders.set(orderId, order);
      return order;
    },
    async eventsAfter(orderId, afterSeq) {
      return (events.get(orderId) ?? []).filter((event) => event.seq > afterSeq);
    },
    async finishedAmong(orderIds) {
      return orderIds.filter((id) => isTerminal(orders.get(id)?.status ?? ''));
    },
    async releaseClientOrderId(orderId) {
      const current = orders.get(orderId);
      if (current?.status === 'failed' && current.failureCode === 'QUEUE_UNAVAILABLE') orders.set(orderId, { ...current, clientOrderId: null });
    },
    async openOrders(afterId, limit) {
      return [...orders.values()]
        .filter((order) => order.status === 'open' && (afterId === undefined || order.id > afterId))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, limit);
    },
    async restingCountOf(accountId) {
      return [...orders.values()].filter((order) => order.accountId === accountId && order.status === 'open').length;
    },
    async overduePending(limit) {
      const now = Date.now();
      return [...orders.values()]
        .filter((order) => order.status === 'pending' && order.type === 'market' && order.deadlineMs !== null && order.createdAt + order.deadlineMs < now)
        .slice(0, limit)
        .map((order) => order.id);
    },
    async stalePending() {
      return [...orders.values()].filter((order) => order.status === 'pending').map((order) => order.id);
    },
  };
  return { store, orders, events };
}

/** An in-memory chain ledger with write-once semantics. */
export function createMemoryLedger() {
  const records = new Map<string, TxRecord>();
  const outcomes = new Map<string, TxOutcome>();
  const claims = new Set<string>();
  const ledger: ChainLedger = {
    async put(record) {
      if (!records.has(record.signature)) records.set(record.signature, record);
      return records.get(record.signature)!;
    },
    async get(signature) {
      return records.get(signature) ?? null;
    },
    async lookup(signature) {
      return { record: records.get(signature) ?? null, outcome: outcomes.get(signature) ?? null };
    },
    async claim(signature) {
      if (claims.has(signature)) return false;
      claims.add(signature);
      return true;
    },
    async settle(signature, outcome) {
      if (!outcomes.has(signature)) outcomes.set(signature, outcome);
      return outcomes.get(signature)!;
    },
    async outcome(signature) {
      return outcomes.get(signature) ?? null;
    },
  };
  return { ledger, records, outcomes };
}

/** Virtual time: sleeping advances the clock at once, so tests are fast and deterministic. */
export function createVirtualClock(startMs = 1_800_000_000_000) {
  let now = startMs;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += Math.max(0, ms);
      await Promise.resolve();
    },
    advance: (ms: number) => void (now += ms),
  };
}
