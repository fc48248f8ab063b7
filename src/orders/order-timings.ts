import type { OrderEvent } from '../protocol/server-messages.js';
import type { Order } from './order.js';
import { isTerminal, type OrderStatus } from './status.js';

/** The steps whose time is measured: the queue (`pending`) and each step of the execution. */
export const MEASURED_STEPS = ['pending', 'routing', 'building', 'submitted'] as const;
export type MeasuredStep = (typeof MEASURED_STEPS)[number];

/** Where the timings go (the metrics adapter); every label it gets is from a small fixed set. */
export interface TimingSink {
  /** An order left `step` after `seconds` in it. */
  step(step: MeasuredStep, seconds: number): void;
  /**
   * An order of `type` ended with `status`, `seconds` after its ack; `dex` is the venue it was
   * routed to, or `none`; `code` is the error code of a failed or expired order.
   */
  finished(status: OrderEvent['status'], type: Order['type'], dex: string, seconds: number, code?: string): void;
  /** A confirmed swap's price against the route's quote, in bps (positive: worse for the trader). */
  slippage(dex: string, bps: number): void;
}

/** Orders followed at once at most: past it, the longest-followed is forgotten (its worker may have died). */
const MAX_FOLLOWED = 50_000;

/**
 * Turns the moves an order store commits into timings: how long each order spent in each step,
 * from its ack to its end, and how its fill compared with the quote it was routed on. It follows
 * each order in flight by its last event (bounded); an order taken up after a restart is timed from
 * the move it is seen at. A resting order's time in `open` is not a step (it waits on the market).
 */
export function createOrderTimings(sink: TimingSink) {
  const followed = new Map<string, { status: OrderStatus; ts: number; quotedPrice: number | null }>();

  return {
    /** An order moved: `events` are the events the move wrote, in seq order; `order` is the order after it. */
    moved(order: Order, events: readonly OrderEvent[]): void {
      for (const event of events) {
        const last = followed.get(order.id) ?? takenUp(order, event);
        if (last && isMeasured(last.status)) sink.step(last.status, Math.max(0, event.ts - last.ts) / 1000);
        if (isTerminal(event.status)) {
          followed.delete(order.id);
          const dex = order.dex ?? 'none';
          const code = 'error' in event ? event.error.code : undefined;
          sink.finished(event.status, order.type, dex, Math.max(0, event.ts - order.createdAt) / 1000, code);
          if (event.status === 'confirmed' && last?.quotedPrice) sink.slippage(dex, adverseBps(order.side, last.quotedPrice, Number(event.executedPrice)));
          continue;
        }
        // Re-set so that the map's first key is always the longest-followed order.
        followed.delete(order.id);
        followed.set(order.id, { status: event.status, ts: event.ts, quotedPrice: event.status === 'building' ? routePrice(event) : (last?.quotedPrice ?? null) });
        if (followed.size > MAX_FOLLOWED) followed.delete(followed.keys().next().value!);
      }
    },
    /** How many orders are followed now (for tests). */
    get following(): number {
      return followed.size;
    },
  };
}

/**
 * An order's first move (seq 2) leaves `pending`, where it waited since its ack; a resting one's
 * goes to `open`, which is not timed. A later move of an order not followed here (taken over after
 * a restart) is not either: where it was since is not known.
 */
function takenUp(_order: Order, event: OrderEvent) {
  return event.seq === 2 && event.status !== 'open' ? { status: 'pending' as const, ts: _order.createdAt, quotedPrice: null } : undefined;
}

function isMeasured(status: OrderStatus): status is MeasuredStep {
  return (MEASURED_STEPS as readonly string[]).includes(status);
}

/** The effective price (QUOTE per BASE) of the route a building event carries. */
function routePrice(event: Extract<OrderEvent, { status: 'building' }>): number | null {
  let base = 0;
  let quote = 0;
  for (const leg of event.route) {
    base += Number(leg.amount);
    quote += Number('amountIn' in leg ? leg.amountIn : leg.amountOut);
  }
  return base > 0 && quote > 0 ? quote / base : null;
}

/** How much worse `executed` is than `quoted` for the side, in bps: a buy paid more, a sell got less. */
function adverseBps(side: Order['side'], quoted: number, executed: number): number {
  const bps = ((executed - quoted) / quoted) * 10_000;
  return side === 'buy' ? bps : -bps;
}
