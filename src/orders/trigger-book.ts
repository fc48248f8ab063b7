import type { Route, Side } from '../venues/types.js';
import type { Order } from './order.js';
import type { QueuedTrigger } from './ports.js';
import { createRestingBook } from './resting-book.js';
import { effectivePrice, meetsLimit, sniperSize, stopTriggers } from './resting-terms.js';

/** A resting order as the trigger component keeps it: what it waits for, at the seq it was seen. */
export interface RestingOrder {
  readonly orderId: string;
  readonly seq: number;
  readonly type: 'limit' | 'stop' | 'sniper';
  readonly side: Side;
  readonly pair: string;
  /** BASE (a sniper: the QUOTE it spends). */
  readonly amount: number;
  /** Limit: its limit; sniper: its maxPrice. */
  readonly limitPrice: number | null;
  readonly triggerPrice: number | null;
  readonly trigger: 'above' | 'below' | null;
  readonly expireAt: number | null;
}

/** The market of one slot, as the book weighs it. */
export interface SlotMarket {
  /** The route for a size; null when no venue can fill it or the pair has no pool. */
  route(pair: string, side: Side, amount: number): Route | null;
  /** The reference price; null when the pair has no pool (a sniper's, before its launch). */
  reference(pair: string): number | null;
  /**
   * The best effective price (fees included) the pair offers this side now: a small probe size's.
   * A larger fill only moves the pool further, so no order gets better, and only the limits at or
   * past it can cross.
   */
  edge(pair: string, side: Side): number | null;
  /** The smallest BASE unit of the pair (a sniper's size is rounded down to it). */
  unit(pair: string): number;
}

/** What one slot decided: the orders to trigger (as queued, and as they rested). */
export interface SlotDecision {
  readonly triggers: QueuedTrigger[];
  readonly fired: RestingOrder[];
  /** Orders weighed exactly (routed) this slot: the cost of the slot is in proportion to it. */
  readonly weighed: number;
}

/** A limit the edge crossed but its own size missed is weighed again within this to twice this many slots, even if the edge has not improved. */
export const REWEIGH_SLOTS = 5;

/** An `open` order from the store or an `open` event, as the book keeps it; null for a market order. */
export function restingOf(order: Pick<Order, 'id' | 'lastSeq' | 'type' | 'side' | 'pair' | 'amount' | 'limitPrice' | 'triggerPrice' | 'trigger' | 'expireAt'>): RestingOrder | null {
  if (order.type === 'market') return null;
  const num = (text: string | null) => (text === null ? null : Number(text));
  return {
    orderId: order.id,
    seq: order.lastSeq,
    type: order.type,
    side: order.side,
    pair: order.pair,
    amount: Number(order.amount),
    limitPrice: num(order.limitPrice),
    triggerPrice: num(order.triggerPrice),
    trigger: order.trigger,
    expireAt: order.expireAt,
  };
}

/**
 * Every resting order of the deployment, indexed so that a slot costs in proportion to the orders
 * its market crosses, not to the orders resting: limits by pair, side and limit price (only those
 * at or past the best price a small size gets are routed; one whose own size missed waits for the
 * edge to improve, or REWEIGH_SLOTS), stops by pair and trigger price (only those the reference
 * crossed), snipers by pair (only once the pair has a pool), expiries by time. An order that
 * triggers leaves the book at once: it is in flight, and comes back only with a later `open`
 * event (amended, or rests again after a trigger that could not fill).
 */
export function createTriggerBook() {
  const orders = new Map<string, RestingOrder>();
  const limits = createRestingBook();
  // A stop "below" triggers when the reference falls to its price: like a buy limit, it crosses at or above the market.
  const stops = createRestingBook();
  const snipers = new Map<string, Map<string, RestingOrder>>();
  const expiries = createRestingBook();
  const EXPIRY = 'expiry';
  /** How many orders rest on each pair: a slot looks at these pairs only, never at every order. */
  const perPair = new Map<string, number>();
  /**
   * Limits the edge crossed but whose own size missed (its impact): the edge then, by how much the
   * price missed the limit, and the slot to weigh them again at anyway (the pools' depth moves too);
   * sooner once the edge has made up half the shortfall.
   */
  const missed = new Map<string, { edge: number; short: number; slot: number }>();
  let slotNo = 0;
  let missCount = 0;

  function drop(orderId: string): boolean {
    const order = orders.get(orderId);
    if (!order) return false;
    orders.delete(orderId);
    missed.delete(orderId);
    const left = (perPair.get(order.pair) ?? 1) - 1;
    if (left > 0) perPair.set(order.pair, left);
    else perPair.delete(order.pair);
    limits.remove(orderId);
    stops.remove(orderId);
    expiries.remove(orderId);
    snipers.get(order.pair)?.delete(orderId);
    return true;
  }

  function rest(order: RestingOrder): void {
    const known = orders.get(order.orderId);
    if (known && known.seq > order.seq) return; // an older event arriving late
    drop(order.orderId);
    orders.set(order.orderId, order);
    perPair.set(order.pair, (perPair.get(order.pair) ?? 0) + 1);
    if (order.type === 'limit') limits.add({ orderId: order.orderId, pair: order.pair, side: order.side, price: order.limitPrice! });
    if (order.type === 'stop') stops.add({ orderId: order.orderId, pair: order.pair, side: order.trigger === 'below' ? 'buy' : 'sell', price: order.triggerPrice! });
    if (order.type === 'sniper') {
      let ofPair = snipers.get(order.pair);
      if (!ofPair) snipers.set(order.pair, (ofPair = new Map()));
      ofPair.set(order.orderId, order);
    }
    if (order.expireAt !== null) expiries.add({ orderId: order.orderId, pair: EXPIRY, side: 'sell', price: order.expireAt });
  }

  /** Weighs the book against one slot's market at `nowMs`; what triggers leaves the book (expiries are `expireDue`'s). */
  function evaluate(market: SlotMarket, nowMs: number): SlotDecision {
    slotNo += 1;
    const triggers: QueuedTrigger[] = [];
    const fired: RestingOrder[] = [];
    let weighed = 0;
    const fire = (order: RestingOrder, price: number) => {
      triggers.push({ orderId: order.orderId, seq: order.seq, triggeredAt: nowMs, price });
      fired.push(order);
    };
    for (const pair of [...perPair.keys()]) {
      for (const side of ['buy', 'sell'] as const) {
        const edge = market.edge(pair, side);
        if (edge === null) continue;
        for (const entry of [...limits.crossed(pair, side, edge)]) {
          const order = orders.get(entry.orderId)!;
          const miss = missed.get(order.orderId);
          // Its own price moves with the edge: weighed again once the edge has made up half of what it missed by.
          const improved = miss && (side === 'buy' ? miss.edge - edge : edge - miss.edge) >= miss.short / 2;
          if (miss && !improved && slotNo < miss.slot) continue;
          weighed += 1;
          const route = market.route(pair, side, order.amount);
          const price = route && effectivePrice(route);
          if (price !== null && meetsLimit(side, price, order.limitPrice!)) fire(order, price);
          // Again in REWEIGH_SLOTS to twice that, spread so that the misses of one slot do not all come back together.
          else {
            const short = price === null ? Infinity : Math.abs(price - order.limitPrice!);
            missed.set(order.orderId, { edge, short, slot: slotNo + REWEIGH_SLOTS + (missCount++ % REWEIGH_SLOTS) });
          }
        }
      }
      const reference = market.reference(pair);
      if (reference === null) continue;
      for (const direction of ['buy', 'sell'] as const) {
        for (const entry of [...stops.crossed(pair, direction, reference)]) {
          const order = orders.get(entry.orderId)!;
          weighed += 1;
          if (stopTriggers(order.trigger!, order.triggerPrice!, reference)) fire(order, reference);
        }
      }
      for (const order of snipers.get(pair)?.values() ?? []) {
        weighed += 1;
        const size = sniperSize(order.amount, order.limitPrice!, (base) => market.route(pair, 'buy', base)?.amountIn ?? null, reference, market.unit(pair));
        const route = size === null ? null : market.route(pair, 'buy', size);
        const price = route && effectivePrice(route);
        if (price !== null && price <= order.limitPrice!) fire(order, price);
      }
    }
    for (const trigger of triggers) drop(trigger.orderId);
    return { triggers, fired, weighed };
  }

  /** Takes out the orders whose expireAt has come by `nowMs`, earliest first. */
  function expireDue(nowMs: number): RestingOrder[] {
    const due = [...expiries.crossed(EXPIRY, 'sell', nowMs)].map((entry) => orders.get(entry.orderId)!);
    for (const order of due) drop(order.orderId);
    return due;
  }

  return {
    rest,
    drop,
    evaluate,
    expireDue,
    has: (orderId: string) => orders.has(orderId),
    ids: () => [...orders.keys()],
    /** The pairs anything rests on. */
    pairs: () => [...perPair.keys()],
    clear() {
      for (const orderId of [...orders.keys()]) drop(orderId);
    },
    get size() {
      return orders.size;
    },
  };
}

export type TriggerBook = ReturnType<typeof createTriggerBook>;
