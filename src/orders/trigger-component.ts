import type { OpenEvent } from '../protocol/server-messages.js';
import type { Logger } from '../util/logger.js';
import { expiredEvent, failureMessage } from './order-events.js';
import type { Clock, EventPublisher, OrderQueue, OrderStore } from './ports.js';
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
  readonly queue: Required<Pick<OrderQueue, 'enqueueTriggers'>>;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly log: Logger;
}

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
  /** Orders an event touched during a resync: what the store said of them before is older. */
  let touched: Set<string> | null = null;

  function onEvent(event: StreamEvent): void {
    touched?.add(event.orderId);
    if (event.status !== 'open') {
      book.drop(event.orderId);
      return;
    }
    const resting = fromOpenEvent(event.text);
    if (resting) book.rest(resting);
    else log.warn({ orderId: event.orderId }, 'malformed open event on the stream');
  }

  /** Loads every open order from the store. With `resync`, drops what rests here but no longer in the store (an event lost on its way). */
  async function load(resync = false): Promise<number> {
    touched = new Set();
    const open = new Set<string>();
    try {
      let after: string | undefined;
      for (;;) {
        const page = await store.openOrders(after, LOAD_PAGE);
        for (const order of page) {
          open.add(order.id);
          const resting = restingOf(order);
          if (resting && !touched.has(order.id)) book.rest(resting);
        }
        if (page.length < LOAD_PAGE) break;
        after = page.at(-1)!.id;
      }
      if (resync) for (const orderId of book.ids()) if (!open.has(orderId) && !touched.has(orderId)) book.drop(orderId);
      return open.size;
    } finally {
      touched = null;
    }
  }

  /** Weighs the book against a slot; queues what triggered (back in the book if the queue failed: the next slot tries again). */
  async function onSlot(slot: number, slotTs: number, market: SlotMarket): Promise<SlotStats> {
    const cpu = process.cpuUsage();
    const decision = book.evaluate(market, clock.now());
    const cpuMs = cpuMsSince(cpu);
    if (decision.triggers.length > 0) {
      try {
        await queue.enqueueTriggers(decision.triggers);
      } catch (err) {
        log.warn({ err, triggers: decision.triggers.length }, 'could not queue triggers; they are weighed again next slot');
        // Not queued: they rest again as they were, at the same seq.
        for (const order of decision.fired) book.rest(order);
      }
    }
    last = { slot, resting: book.size, weighed: decision.weighed, triggered: decision.triggers.length, cpuMs, latencyMs: clock.now() - slotTs };
    return last;
  }

  /** Expires resting orders whose expireAt has come (guarded by the seq they rest at: an amend since wins). */
  async function expireDue(): Promise<number> {
    const due = book.expireDue(clock.now());
    let count = 0;
    for (const [i, order] of due.entries()) {
      const reason = 'its expireAt came while it rested';
      const draft = expiredEvent(order.orderId, failureMessage('EXPIRED', reason), clock.now(), 'EXPIRED');
      try {
        const moved = await store.transition(order.orderId, 'open', { failureCode: 'EXPIRED', failureReason: reason }, draft, { expectedSeq: order.seq });
        if (moved) {
          count += 1;
          await events.publish(moved.event);
        }
      } catch (err) {
        // The store is down: what is left rests again, and the next look expires it.
        for (const left of due.slice(i)) book.rest(left);
        throw err;
      }
    }
    return count;
  }

  /**
   * Expires market orders still `pending` past their deadline: no worker took them up in time (a
   * backlog, or every worker down), so they end `expired` on time instead of when one reaches them.
   * Guarded from `pending`: one a worker takes up meanwhile is left to it.
   */
  async function expireOverdue(): Promise<number> {
    let count = 0;
    for (const orderId of await store.overduePending(OVERDUE_PAGE)) {
      const reason = 'no worker took it up within its deadline; it was never sent';
      const draft = expiredEvent(orderId, failureMessage('DEADLINE_EXCEEDED', reason), clock.now());
      const moved = await store.transition(orderId, 'pending', { failureCode: 'DEADLINE_EXCEEDED', failureReason: reason }, draft);
      if (moved) {
        count += 1;
        await events.publish(moved.event);
      }
    }
    if (count > 0) log.info({ count }, 'expired market orders no worker took up in time');
    return count;
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

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export type TriggerComponent = ReturnType<typeof createTriggerComponent>;
