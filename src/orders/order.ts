import type { TxLeg } from '../chain/types.js';
import type { OrderType, TimeInForce } from '../protocol/wire-types.js';
import type { Dex, Side } from '../venues/types.js';
import type { OrderStatus } from './status.js';

/** An order as the engine keeps it; mirrors a row of the `orders` table. */
export interface Order {
  readonly id: string;
  /** The account that placed it; every read by a client is scoped to it. */
  readonly accountId: string;
  readonly clientOrderId: string | null;
  readonly type: OrderType;
  readonly side: Side;
  readonly pair: string;
  /** BASE amount as the client sent it (a decimal string); a sniper's is the QUOTE it spends. */
  readonly amount: string;
  readonly slippageBps: number;
  /** The longest time from the ack to the send (null: an order from before deadlines). */
  readonly deadlineMs: number | null;
  /** Limit: the worst effective price accepted (QUOTE per BASE, fees included); sniper: its maxPrice. */
  readonly limitPrice: string | null;
  /** Stop: the reference price that triggers it, crossed from `trigger`. */
  readonly triggerPrice: string | null;
  readonly trigger: 'above' | 'below' | null;
  /** Limit and stop: how long it rests (null for market and sniper orders). */
  readonly timeInForce: TimeInForce | null;
  /** When it stops resting (GTD, or a sniper's own), ms since the epoch. */
  readonly expireAt: number | null;
  /** When its condition last held (ms since the epoch): a triggered order's deadline counts from here. */
  readonly triggeredAt: number | null;
  readonly status: OrderStatus;
  /** The venue routed to, or 'split' for a route over both (then `legs` has each leg). */
  readonly dex: Dex | 'split' | null;
  /** The legs of a split route (BASE amounts); null for a single venue. */
  readonly legs: readonly TxLeg[] | null;
  /** The slippage bound chosen at routing: max QUOTE in for a buy, min QUOTE out for a sell. */
  readonly limitAmount: string | null;
  readonly txHash: string | null;
  readonly lastValidBlockHeight: number | null;
  readonly executedPrice: string | null;
  readonly amountOut: string | null;
  readonly failureCode: string | null;
  readonly failureReason: string | null;
  readonly attempts: number;
  /**
   * The gateways following it (opaque ids): the one that took it first, then the latest others a
   * client subscribed to it on. Its events are published to each of them.
   */
  readonly followers: readonly string[];
  /** The seq of the last event written for this order. */
  readonly lastSeq: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The fields a new order starts with. */
export type NewOrder = Pick<
  Order,
  'id' | 'accountId' | 'clientOrderId' | 'type' | 'side' | 'pair' | 'amount' | 'slippageBps' | 'deadlineMs' | 'limitPrice' | 'triggerPrice' | 'trigger' | 'timeInForce' | 'expireAt'
>;

/**
 * Columns a status change may set alongside the status (an amend: the terms). A change back to
 * `open` clears the route and transaction of the trigger that could not fill.
 */
export type OrderChanges = Partial<
  Pick<
    Order,
    | 'dex'
    | 'legs'
    | 'limitAmount'
    | 'txHash'
    | 'lastValidBlockHeight'
    | 'executedPrice'
    | 'amountOut'
    | 'failureCode'
    | 'failureReason'
    | 'attempts'
    | 'amount'
    | 'limitPrice'
    | 'triggerPrice'
    | 'expireAt'
    | 'triggeredAt'
  >
>;

/** The resting terms of an order that has none (a market order). */
export const NO_RESTING_TERMS = { limitPrice: null, triggerPrice: null, trigger: null, timeInForce: null, expireAt: null } as const;
