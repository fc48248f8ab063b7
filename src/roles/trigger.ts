import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createOrderQueue } from '../adapters/bullmq/order-queue.js';
import { createOrderStore } from '../adapters/postgres/order-store.js';
import { createEventPublisher, lastEventId, startEventSubscriber } from '../adapters/redis/event-bus.js';
import { createLease } from '../adapters/redis/lease.js';
import type { MarketData, MarketTick } from '../gateway/market-data.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { Clock } from '../orders/ports.js';
import { createTriggerComponent, type SlotStats } from '../orders/trigger-component.js';
import type { SlotMarket } from '../orders/trigger-book.js';
import type { PairSpec, Side } from '../venues/types.js';
import { effectivePrice } from '../orders/resting-terms.js';
import type { Infrastructure, RedisKeys } from './infrastructure.js';

/** The lease lapses this long after its holder stopped renewing it; then a standby takes over. */
const LEASE_MS = 3_000;
/** How often the lease is renewed (or, standing by, tried). */
const LEAD_EVERY_MS = 1_000;
/** How often resting orders are checked for their expireAt: on the engine's clock, whether slots come or not. */
const EXPIRE_EVERY_MS = 250;
/** How often market orders still pending past their deadline are looked for. */
const OVERDUE_EVERY_MS = 1_000;
/** How often the book is checked against the store, for an event lost on its way (Redis failing right after a commit). */
const RESYNC_EVERY_MS = 60_000;

export interface TriggerDeps {
  readonly infra: Infrastructure;
  readonly keys: RedisKeys;
  readonly marketData: MarketData;
  readonly findPair: (symbol: string) => PairSpec | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  /** Opens the event stream's own connection (blocking reads). */
  readonly connect: (name: string) => Redis;
}

/**
 * The trigger role: one instance per deployment evaluates every resting order (it holds a lease;
 * every other worker process stands by to take over). On taking the lease it notes the event
 * stream's position, loads the open orders from PostgreSQL, then follows the stream from that
 * position, so no change is missed between the two. Each slot it weighs the book and queues the
 * orders whose condition held; the workers move them `open → routing`, guarded by seq.
 */
export function startTrigger(deps: TriggerDeps) {
  const { infra, keys, clock } = deps;
  const log = deps.log.child({ role: 'trigger' });
  const store = createOrderStore(infra.sql);
  const queue = createOrderQueue({ connection: infra.redis, prefix: keys.queuePrefix, name: keys.queueName, log });
  const component = createTriggerComponent({ store, queue: { enqueueTriggers: (t) => queue.enqueueTriggers!(t) }, events: createEventPublisher(infra.commands, keys.events), clock, log });
  const lease = createLease(infra.commands, `${keys.namespace}:trigger:leader`, randomUUID(), LEASE_MS);

  let leading = false;
  let stopped = false;
  let subscriber: { close(): Promise<void> } | null = null;
  let evaluating = false;
  let expiring = false;
  let busy = false;

  /** Follows the stream from its position now, then loads the store: a change made meanwhile comes by the stream. */
  async function takeOver(): Promise<void> {
    const fromId = await lastEventId(infra.commands, keys.events);
    subscriber = startEventSubscriber({ redis: deps.connect(`${keys.namespace}:trigger-events`), streamKey: keys.events, log, onEvent: component.onEvent, fromId });
    const loaded = await component.load();
    log.info({ resting: loaded }, 'evaluating resting orders');
  }

  async function standDown(): Promise<void> {
    await subscriber?.close();
    subscriber = null;
    component.clear();
  }

  const leadTimer = setInterval(() => void lead(), LEAD_EVERY_MS);
  async function lead(): Promise<void> {
    if (stopped || busy) return;
    busy = true;
    try {
      const holds = await lease.lead();
      if (holds && !leading) {
        leading = true;
        await takeOver();
      } else if (!holds && leading) {
        leading = false;
        log.warn('lost the trigger lease; standing by');
        await standDown();
      }
    } catch (err) {
      log.warn({ err }, 'could not take up the trigger lease; trying again');
      if (leading) {
        leading = false; // taken up again from the start at the next try
        await standDown().catch(() => undefined);
      }
    } finally {
      busy = false;
    }
  }
  void lead();

  const unsubscribe = deps.marketData.onTicks(
    (ticks) => {
      if (!leading || evaluating || ticks.length === 0) return; // a slow slot is not overtaken by the next
      evaluating = true;
      component
        .onSlot(ticks[0]!.slot, ticks[0]!.ts, slotMarket(ticks, deps.marketData, deps.findPair))
        .then((stats) => stats.triggered > 0 && log.debug(stats, 'slot weighed'))
        .catch((err: unknown) => log.warn({ err }, 'could not weigh the slot'))
        .finally(() => (evaluating = false));
    },
    () => (leading ? component.pairs() : []),
  );

  const expireTimer = setInterval(() => {
    if (!leading || expiring) return;
    expiring = true;
    Promise.all([component.expireDue(), overdueLook()])
      .catch((err: unknown) => log.warn({ err }, 'could not expire resting orders'))
      .finally(() => (expiring = false));
  }, EXPIRE_EVERY_MS);
  // The overdue market orders are looked for once a second (deadlines are whole ms from 100 ms up; a second late at most).
  let lastOverdueLook = 0;
  const overdueLook = async () => {
    if (clock.now() - lastOverdueLook < OVERDUE_EVERY_MS) return 0;
    lastOverdueLook = clock.now();
    return component.expireOverdue();
  };
  const resyncTimer = setInterval(() => {
    if (leading) component.load(true).catch((err: unknown) => log.warn({ err }, 'could not check the resting orders against the store'));
  }, RESYNC_EVERY_MS);
  for (const timer of [leadTimer, expireTimer, resyncTimer]) timer.unref();

  return {
    /** True while this process evaluates the resting orders. */
    get leading() {
      return leading;
    },
    get resting() {
      return component.resting;
    },
    /** What the last slot weighed cost. */
    get lastSlot(): SlotStats | null {
      return component.lastSlot;
    },
    shutdownSteps: [
      closeStep('stop evaluating resting orders', async () => {
        stopped = true;
        for (const timer of [leadTimer, expireTimer, resyncTimer]) clearInterval(timer);
        unsubscribe();
        await standDown();
        // A standby takes over at once instead of waiting the lease out.
        if (leading) await lease.release();
        leading = false;
        await queue.close();
      }),
    ] satisfies ShutdownStep[],
  };
}

/** The size, in QUOTE, whose effective price bounds every limit that can cross (fees included, no impact to speak of). */
const EDGE_PROBE_QUOTE = 1;

/** One slot's market for the book, from the slot's ticks and the latest pools. */
function slotMarket(ticks: readonly MarketTick[], marketData: MarketData, findPair: (symbol: string) => PairSpec | undefined): SlotMarket {
  const byPair = new Map(ticks.map((tick) => [tick.pair, tick]));
  const route = (pair: string, side: Side, amount: number) => {
    try {
      return marketData.quote(pair, side, amount)?.route ?? null;
    } catch (err) {
      if (err instanceof RangeError) return null; // no pool of that pair (yet)
      throw err;
    }
  };
  return {
    route,
    reference: (pair) => byPair.get(pair)?.reference ?? null,
    edge(pair, side) {
      const tick = byPair.get(pair);
      if (!tick) return null;
      const probe = route(pair, side, EDGE_PROBE_QUOTE / tick.reference);
      return probe && effectivePrice(probe);
    },
    unit: (pair) => 10 ** -(findPair(pair)?.base.decimals ?? 6),
  };
}

export type TriggerRole = ReturnType<typeof startTrigger>;
