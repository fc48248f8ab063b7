import type { OpenEvent } from '../protocol/server-messages.js';
import type { Logger } from '../util/logger.js';
import { expiredEvent, failureMessage } from './order-events.js';
import type { Clock, EventPublisher, OrderStore, TriggerQueue } from './ports.js';
import { createTriggerBook, restingOf, type RestingOrder, type SlotMarket } from './trigger-book.js';

/** An order event as the trigger component reads it off the event stream. */
export interface StreamEvent {
  readonly orderId: string;
  readonly seq: number;
  readonly status: string;
  /** The event as JSON: only an `open` event's is parsed (it carries the terms). */
  readonly text: string;
}

/** Orders loaded from the store per page. */
const LOAD_PAGE = 10_000;
/** Most overdue pending orders expired per look. */
const OVERDUE_PAGE = 1_000;

export interface TriggerComponentDeps {
  readonly store: Pick<OrderStore, 'openOrders' | 'transition' | 'overduePending'>;
  readonly queue: TriggerQueue;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /** CPU time this process has used, ms (what a slot's evaluation cost is measured with). */
  readonly cpuMs: () => number;
  readonly log: Logger;
}

/** Expiries written at once (each its own guarded statement; the store batches them). */
const EXPIRE_CHUNK = 100;

/** What the last slot cost: how many orders it weighed and triggered, its CPU time, and how long after the slot the triggers were queued. */
export interface SlotStats {
  readonly slot: number;
  readonly resting: number;
  readonly weighed: number;
  readonly triggered: number;
  readonly cpuMs: number;
  /** From the slot's time stamp to its triggers being queued (durable). */
  readonly latencyMs: number;
}

/**
 * The one component that evaluates resting orders (the lease holder runs it). It loads the open
 * orders from the store, follows the event stream for every change after that, weighs the book
 * against each slot and queues the orders whose condition held (each trigger guarded in the store
 * by the seq it saw, so none triggers twice), and expires GTD orders and snipers on its own clock,
 * and market orders no worker took up within their deadline.
 */
export function createTriggerComponent(deps: TriggerComponentDeps) {
  const { store, queue, events, clock, log } = deps;
  const book = createTriggerBook();
  let last: SlotStats | null = null;
  /** The loads running now, each with the orders an event touched meanwhile (what the store said of those is older). */
  const loads = new Set<Set<string>>();

  function onEvent(event: StreamEvent): void {
    for (const touched of loads) touched.add(event.orderId);
    if (event.status !== 'open') {
      book.drop(event.orderId, event.seq);
      return;
    }
    const resting = fromOpenEvent(event.text);
    if (resting) book.rest(resting);
    else log.warn({ orderId: event.orderId }, 'malformed open event on the stream');
  }

  /**
   * Loads every open order from the store. With `resync`, also drops what rests here but no longer
   * in the store (an event lost on its way). `current` says whether the load still counts (the
   * lease may be lost meanwhile): a load that no longer does stops and leaves the book alone.
   */
  async function load(resync = false, current: () => boolean = () => true): Promise<number> {
    const touched = new Set<string>();
    loads.add(touched);
    const open = new Set<string>();
    try {
      let after: string | undefined;
      for (;;) {
        const page = await store.openOrders(after, LOAD_PAGE);
        if (!current()) return open.size;
        for (const order of page) {
          open.add(order.id);
          const resting = restingOf(order);
          if (resting && !touched.has(order.id)) book.rest(resting);
        }
        if (page.length < LOAD_PAGE) break;
        after = page.at(-1)!.id;
      }
      if (resync) for (const orderId of book.ids()) if (!open.has(orderId) && !touched.has(orderId)) book.drop(orderId, Number.MAX_SAFE_INTEGER);
      return open.size;
    } finally {
      loads.delete(touched);
    }
  }

  /** Weighs the book against a slot; queues what triggered (back in the book if the queue failed: the next slot tries again). */
  async function onSlot(slot: number, slotTs: number, market: SlotMarket): Promise<SlotStats> {
    const cpuBefore = deps.cpuMs();
    const decision = book.evaluate(market, clock.now());
    const cpuMs = deps.cpuMs() - cpuBefore;
    if (decision.triggers.length > 0) {
      try {
        await queue.enqueueTriggers(decision.triggers);
      } catch (err) {
        log.warn({ err, triggers: decision.triggers.length }, 'could not queue triggers; they are weighed again next slot');
        // Not queued: they rest again as they were, at the same seq.
        for (const order of decision.fired) book.restore(order);
      }
    }
    last = { slot, resting: book.size, weighed: decision.weighed, triggered: decision.triggers.length, cpuMs, latencyMs: clock.now() - slotTs };
    return last;
  }

  /** Expires resting orders whose expireAt has come (guarded by the seq they rest at: an amend since wins). */
  async function expireDue(): Promise<number> {
    const due = book.expireDue(clock.now());
    let count = 0;
    for (let i = 0; i < due.length; i += EXPIRE_CHUNK) {
      const chunk = due.slice(i, i + EXPIRE_CHUNK);
      const results = await Promise.allSettled(chunk.map((order) => expireOne(order)));
      results.forEach((result, j) => {
        if (result.status === 'fulfilled') count += result.value ? 1 : 0;
        // The store did not take it: it rests again, and the next look expires it.
        else book.restore(chunk[j]!);
      });
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) {
        for (const left of due.slice(i + EXPIRE_CHUNK)) book.restore(left);
        throw failed.reason;
      }
    }
    return count;
  }

  /** Expires one resting order at the seq it rests at; true when this call did. A failed publish is only logged: the event is stored. */
  async function expireOne(order: RestingOrder): Promise<boolean> {
    const reason = 'its expireAt came while it rested';
    const draft = expiredEvent(order.orderId, failureMessage('EXPIRED', reason), clock.now(), 'EXPIRED');
    const moved = await store.transition(order.orderId, 'open', { failureCode: 'EXPIRED', failureReason: reason }, draft, { expectedSeq: order.seq });
    if (!moved) return false;
    // Stored: the gateways' gap check finds it even if this publish is lost.
    await events.publish(moved.event, moved.order).catch((err: unknown) => log.warn({ err, orderId: order.orderId }, 'could not publish an expiry'));
    return true;
  }

  /**
   * Expires market orders still `pending` past their deadline: no worker took them up in time (a
   * backlog, or the workers busy or stopping), so they end `expired` on time instead of when one
   * reaches them.
   * Guarded from `pending`: one a worker has moved on meanwhile is left to it. A worker that has only
   * read it (its first write carries routing) loses to the sweep, finds it expired, and sends nothing:
   * it was past its deadline either way.
   */
  async function expireOverdue(): Promise<{ expired: number; more: boolean }> {
    const reason = 'no worker took it up within its deadline; it was never sent';
    const expireOne = async (orderId: string) => {
      const draft = expiredEvent(orderId, failureMessage('DEADLINE_EXCEEDED', reason), clock.now());
      const moved = await store.transition(orderId, 'pending', { failureCode: 'DEADLINE_EXCEEDED', failureReason: reason }, draft);
      if (!moved) return false;
      await events.publish(moved.event, moved.order).catch((err: unknown) => log.warn({ err, orderId }, 'could not publish an expiry'));
      return true;
    };
    let count = 0;
    const overdue = await store.overduePending(OVERDUE_PAGE);
    // In chunks, each chunk's statements issued together (the store writes them as one batch).
    for (let i = 0; i < overdue.length; i += EXPIRE_CHUNK) {
      const done = await Promise.all(overdue.slice(i, i + EXPIRE_CHUNK).map(expireOne));
      count += done.filter(Boolean).length;
    }
    if (count > 0) log.info({ count }, 'expired market orders no worker took up in time');
    // A full page: more may be overdue than one look reads.
    return { expired: count, more: overdue.length >= OVERDUE_PAGE };
  }

  return {
    onEvent,
    load,
    onSlot,
    expireDue,
    expireOverdue,
    /** Forgets everything (the lease was lost: another instance evaluates now). */
    clear: () => book.clear(),
    pairs: () => book.pairs(),
    get resting() {
      return book.size;
    },
    get lastSlot() {
      return last;
    },
  };
}

/** The terms an `open` event carries, as the book keeps them; null when it is malformed. */
export function fromOpenEvent(text: string): RestingOrder | null {
  let event: OpenEvent;
  try {
    event = JSON.parse(text) as OpenEvent;
  } catch {
    return null;
  }
  if (event.status !== 'open' || typeof event.orderId !== 'string' || !Number.isInteger(event.seq)) return null;
  const type = event.orderType;
  if (type !== 'limit' && type !== 'stop' && type !== 'sniper') return null;
  const price = type === 'limit' ? event.limitPrice : type === 'sniper' ? event.maxPrice : undefined;
  return {
    orderId: event.orderId,
    seq: event.seq,
    type,
    side: event.side,
    pair: event.pair,
    amount: Number(event.amount),
    limitPrice: price === undefined ? null : Number(price),
    triggerPrice: event.triggerPrice === undefined ? null : Number(event.triggerPrice),
    trigger: event.trigger ?? null,
    expireAt: event.expireAt ?? null,
  };
}

export type TriggerComponent = ReturnType<typeof createTriggerComponent>;
