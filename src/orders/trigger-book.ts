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

/** The size, in QUOTE, whose effective price bounds every limit that can cross (fees included, no impact to speak of). */
const EDGE_PROBE_QUOTE = 1;
/** How many orders' last seq is remembered after they left the book, so that an older event arriving late cannot bring one back. */
const GONE_REMEMBERED = 100_000;

/**
 * Every resting order of the deployment, indexed so that a slot costs in proportion to the orders
 * its market crosses, not to the orders resting: limits (and snipers, by their maxPrice) by pair,
 * side and price, only those at or past the best price a small size gets being routed (one whose
 * own size missed waits for the edge to make up half its shortfall, or REWEIGH_SLOTS); stops by
 * pair and trigger price, only those the reference crossed; expiries by time. An order that
 * triggers leaves the book at once: it is in flight, and comes back only with a later `open`
 * event (amended, or rests again after a trigger that could not fill).
 */
export function createTriggerBook() {
  const orders = new Map<string, RestingOrder>();
  // Limits and snipers: a sniper is a buy limit at its maxPrice whose size its spend decides.
  const limits = createRestingBook();
  // A stop "below" triggers when the reference falls to its price: like a buy limit, it crosses at or above the market.
  const stops = createRestingBook();
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
  /** The last seq of orders that left the book (triggered, ended): an event or a load older than that is stale. */
  const gone = new Map<string, number>();
  let slotNo = 0;
  let missCount = 0;

  function remove(orderId: string): RestingOrder | undefined {
    const order = orders.get(orderId);
    if (!order) return undefined;
    orders.delete(orderId);
    missed.delete(orderId);
    const left = (perPair.get(order.pair) ?? 1) - 1;
    if (left > 0) perPair.set(order.pair, left);
    else perPair.delete(order.pair);
    limits.remove(orderId);
    stops.remove(orderId);
    expiries.remove(orderId);
    return order;
  }

  function forget(orderId: string, seq: number): void {
    gone.delete(orderId);
    gone.set(orderId, seq);
    // Oldest first out: a Map iterates in insertion order.
    if (gone.size > GONE_REMEMBERED) gone.delete(gone.keys().next().value!);
  }

  /**
   * Takes a resting order out as of `seq` (the event that moved it on, or the seq it triggered at)
   * and remembers that seq; an event older than what rests does nothing.
   */
  function drop(orderId: string, seq: number): boolean {
    const known = orders.get(orderId);
    if (!known || known.seq > seq) return false;
    // The book's own copy of the id: the caller's may be a slice of a whole stream entry, which a
    // remembered key would keep alive.
    forget(known.orderId, seq);
    remove(orderId);
    return true;
  }

  /** Rests an order at its seq, or moves it to newer terms; one at a seq the book has seen leave (or older) stays out. */
  function rest(order: RestingOrder): void {
    const known = orders.get(order.orderId);
    if (known && known.seq > order.seq) return; // an older event arriving late
    if ((gone.get(order.orderId) ?? 0) >= order.seq) return; // it triggered or moved on at this seq or later
    remove(order.orderId);
    orders.set(order.orderId, order);
    perPair.set(order.pair, (perPair.get(order.pair) ?? 0) + 1);
    if (order.type === 'limit' || order.type === 'sniper') limits.add({ orderId: order.orderId, pair: order.pair, side: order.side, price: order.limitPrice! });
    if (order.type === 'stop') stops.add({ orderId: order.orderId, pair: order.pair, side: order.trigger === 'below' ? 'buy' : 'sell', price: order.triggerPrice! });
    if (order.expireAt !== null) expiries.add({ orderId: order.orderId, pair: EXPIRY, side: 'sell', price: order.expireAt });
  }

  /** The best effective price a small size gets on this side now; null when the pair has no pool. */
  function edgeOf(market: SlotMarket, pair: string, side: Side, reference: number): number | null {
    const probe = market.route(pair, side, EDGE_PROBE_QUOTE / reference);
    return probe && effectivePrice(probe);
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
    // An order whose expireAt has come never triggers, even before the expiry pass has ended it.
    const live = (order: RestingOrder) => order.expireAt === null || order.expireAt > nowMs;
    for (const pair of [...perPair.keys()]) {
      const reference = market.reference(pair);
      if (reference === null) continue; // no pool of it (yet)
      for (const side of ['buy', 'sell'] as const) {
        const edge = edgeOf(market, pair, side, reference);
        if (edge === null) continue;
        for (const entry of [...limits.crossed(pair, side, edge)]) {
          const order = orders.get(entry.orderId)!;
          if (!live(order)) continue;
          const miss = missed.get(order.orderId);
          // Its own price moves with the edge: weighed again once the edge has made up half of what it missed by.
          const improved = miss && (side === 'buy' ? miss.edge - edge : edge - miss.edge) >= miss.short / 2;
          if (miss && !improved && slotNo < miss.slot) continue;
          weighed += 1;
          const size = order.type === 'sniper' ? sniperSize(order.amount, order.limitPrice!, (base) => market.route(pair, 'buy', base)?.amountIn ?? null, reference, market.unit(pair)) : order.amount;
          const route = size === null ? null : market.route(pair, side, size);
          const price = route && effectivePrice(route);
          if (price !== null && meetsLimit(side, price, order.limitPrice!)) fire(order, price);
          else {
            const short = price === null ? Infinity : Math.abs(price - order.limitPrice!);
            // Again in REWEIGH_SLOTS to twice that, spread so that the misses of one slot do not all come back together.
            missed.set(order.orderId, { edge, short, slot: slotNo + REWEIGH_SLOTS + (missCount++ % REWEIGH_SLOTS) });
          }
        }
      }
      for (const direction of ['buy', 'sell'] as const) {
        for (const entry of [...stops.crossed(pair, direction, reference)]) {
          const order = orders.get(entry.orderId)!;
          weighed += 1;
          if (live(order) && stopTriggers(order.trigger!, order.triggerPrice!, reference)) fire(order, reference);
        }
      }
    }
    for (const order of fired) drop(order.orderId, order.seq);
    return { triggers, fired, weighed };
  }

  /** Takes out the orders whose expireAt has come by `nowMs`, earliest first. */
  function expireDue(nowMs: number): RestingOrder[] {
    const due = [...expiries.crossed(EXPIRY, 'sell', nowMs)].map((entry) => orders.get(entry.orderId)!);
    for (const order of due) drop(order.orderId, order.seq);
    return due;
  }

  return {
    rest,
    drop,
    evaluate,
    expireDue,
    /** Puts back what left the book at its seq but did not go (the queue or the store failed). */
    restore(order: RestingOrder): void {
      if (gone.get(order.orderId) === order.seq) gone.delete(order.orderId);
      rest(order);
    },
    has: (orderId: string) => orders.has(orderId),
    ids: () => [...orders.keys()],
    /** The pairs anything rests on. */
    pairs: () => [...perPair.keys()],
    clear() {
      for (const orderId of [...orders.keys()]) remove(orderId);
      gone.clear();
    },
    get size() {
      return orders.size;
    },
  };
}

export type TriggerBook = ReturnType<typeof createTriggerBook>;
