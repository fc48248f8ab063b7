import type { AckMessage, OrderEvent, OrderUpdate } from '../protocol/server-messages.js';
import type { NewOrder, Order, OrderChanges } from './order.js';
import type { OrderStatus } from './status.js';
import type { Route, Side } from '../venues/types.js';

/** A keyset position in the newest-first order list: the exact creation time (as the database prints it) and the id. */
export interface OrderCursor {
  readonly createdAt: string;
  readonly id: string;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the store has given it its seq. */
export type EventDraft = DistributiveOmit<OrderEvent, 'seq'>;

/** Durable order state and history. Every method is atomic; a status change writes its event in the same statement. */
export interface OrderStore {
  /**
   * Inserts the order and its ack (event seq 1) together, unless its account's clientOrderId already
   * names an order: then nothing is written and that order is returned (atomic under concurrent submits).
   */
  create(order: NewOrder, ack: AckMessage): Promise<{ status: 'created' } | { status: 'duplicate'; existing: Order }>;
  /** The order, or null when no such id exists (unscoped: for workers). */
  get(orderId: string): Promise<Order | null>;
  /** The order an account's client id names, or null. */
  getByClientOrderId(accountId: string, clientOrderId: string): Promise<Order | null>;
  /**
   * Cancels the order if it has not been signed yet (pending, routing, or building without a saved
   * signature), appending the event; null when it is past that point or does not exist.
   */
  cancel(orderId: string, draft: EventDraft): Promise<{ order: Order; event: OrderEvent } | null>;
  /** A page of orders, newest first, strictly older than `before` when given. */
  list(query: { accountId: string; limit: number; before?: OrderCursor; status?: OrderStatus }): Promise<{ orders: Order[]; next: OrderCursor | null }>;
  /**
   * Moves the order from `from` to the draft's status (guarded: nothing happens unless the order is
   * in `from`), sets `changes`, and appends the event with the next seq. Returns the updated order and
   * the stored event, or null when the order was not in `from`. With `via`, the order passes through
   * that event's status on the way: both events are appended (via's first), in the same statement.
   */
  transition(
    orderId: string,
    from: OrderStatus,
    changes: OrderChanges,
    draft: EventDraft,
    guard?: {
      /** Also require the order's last event to be this seq (a trigger acts only on the terms it saw). */
      readonly expectedSeq?: number;
      /** A status passed through on the way (a pending order's `routing`), written with the move. */
      readonly via?: EventDraft;
    },
  ): Promise<{ order: Order; event: OrderEvent; via?: OrderEvent } | null>;
  /** A page of the resting (`open`) orders, by id, strictly after `afterId` when given. */
  openOrders(afterId: string | undefined, limit: number): Promise<Order[]>;
  /** How many orders the account has resting (`open`). */
  restingCountOf(accountId: string): Promise<number>;
  /**
   * Adds `follower` to the order's followers (unless it is one, or the order has ended), so that
   * every event stored after this returns is published to it too.
   */
  follow(orderId: string, follower: string): Promise<void>;
  /** Saves a signed transaction's hash before it is sent; guarded on status and on the previous hash. */
  saveTx(orderId: string, status: OrderStatus, previousTxHash: string | null, tx: { txHash: string; lastValidBlockHeight: number }): Promise<Order | null>;
  /**
   * Takes up an order for an execution attempt and returns it, or null when no such id exists. The
   * attempt is recorded (attempts only grow; a finished order is left as it is), except on a pending
   * market order: that is only read, and its first move (`pending → routing → building`, or its
   * end) records the attempt, so the order costs one write fewer.
   */
  startAttempt(orderId: string, attempt: number): Promise<Order | null>;
  /** Ids of the account's orders in a status a cancel may still take (of `pair` only, when given), oldest first. */
  cancellableOf(accountId: string, pair?: string): Promise<string[]>;
  /** Events with seq greater than `afterSeq`, in seq order. */
  eventsAfter(orderId: string, afterSeq: number): Promise<OrderUpdate[]>;
  /** Which of these orders have ended (confirmed, failed, cancelled or expired). */
  finishedAmong(orderIds: readonly string[]): Promise<string[]>;
  /** Frees the clientOrderId of an order that failed before it was ever acked, so a retry can use it. */
  releaseClientOrderId(orderId: string): Promise<void>;
  /** Ids of orders still `pending` whose last change is older than `ageMs`, oldest first. */
  stalePending(ageMs: number, limit: number): Promise<string[]>;
  /** Ids of market orders still `pending` past their deadline (by the database's clock), oldest first: never taken up in time. */
  overduePending(limit: number): Promise<string[]>;
}

/** The work queue between gateways and workers. */
export interface OrderQueue {
  /** Queues the order for execution (orders queued together may share a job). */
  enqueue(orderId: string): Promise<void>;
  /** Which of these orders some job still carries (waiting, running or delayed). */
  queuedAmong(orderIds: readonly string[]): Promise<Set<string>>;
}

/** What admission control reads of the queue, deployment-wide. */
export interface QueueReading {
  /** Orders acked and queued that no worker has taken up yet. */
  readonly backlog: number;
  /** Orders taken up since the counter began (a counter: its rise over time is the drain rate). */
  readonly takenUp: number;
  /** How long the oldest job still in the wait list has waited, ms (0: none waits). */
  readonly oldestQueuedMs: number;
}

/** A place in the account's cap of orders in flight: tied to the order once stored; released when the submit is refused or the order ends. */
export interface OpenOrderSlot {
  /** Ties the slot to the stored order, whose terminal event then frees it. */
  bind(orderId: string): void;
  /** Frees the slot, bound or not; a second call does nothing. */
  release(): void;
}

/** The per-account cap on orders in flight. */
export interface OpenOrderSlots {
  /** Takes a slot, or null when the account is at its cap. */
  acquire(accountId: string): OpenOrderSlot | null;
}

/** Where an order's events go: the gateways following it, and (for a resting type) the trigger component. */
export type EventRoute = Pick<Order, 'type' | 'followers'>;

/** Carries persisted events from workers to the gateways that follow their orders. */
export interface EventPublisher {
  /** Publishes an event that is already durable, to where its order's row (as the store returned it with the event) says. */
  publish(event: OrderEvent, order: EventRoute): Promise<void>;
}

/** Time, injected so the core is deterministic under test. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Identifier sources. */
export interface Ids {
  orderId(): string;
  /** A transaction signature shaped like Solana's (base58 of 64 bytes). */
  signature(): string;
}

/** The latest slot's market, read without the quote latency: what a resting order is weighed against. */
export interface MarketNow {
  /** The route for a size at the latest fresh slot; null when no venue can fill it, the pair has no pool, or no slot is fresh. */
  route(pair: string, side: Side, amount: number): { readonly slot: number; readonly route: Route } | null;
  /** The pair's reference price at the latest fresh slot (what stops compare with); null when unknown. */
  reference(pair: string): number | null;
  /** The latest fresh slot; null while none is. */
  slot(): number | null;
}

/** Where the trigger component queues the resting orders whose condition held, for the workers. */
export interface TriggerQueue {
  /** Queues them all or none (one MULTI), each with the seq and price it was seen at; durable once resolved. */
  enqueueTriggers(triggers: readonly QueuedTrigger[]): Promise<void>;
}

/** A trigger as it travels in a job: which order, at which seq, when and at what price its condition held. */
export interface QueuedTrigger {
  readonly orderId: string;
  readonly seq: number;
  readonly triggeredAt: number;
  readonly price: number;
}
