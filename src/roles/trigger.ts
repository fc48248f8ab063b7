import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../adapters/redis/connect.js';
import { createShardedQueue } from '../adapters/bullmq/sharded-queue.js';
import { createOrderStore } from '../adapters/postgres/order-store.js';
import type { EngineMetrics } from '../adapters/prometheus/engine-metrics.js';
import { observedStore } from '../orders/observed-store.js';
import { createEventPublisher, lastEventId, startEventSubscriber } from '../adapters/redis/event-bus.js';
import { createLease } from '../adapters/redis/lease.js';
import type { MarketData, MarketTick } from '../gateway/market-data.js';
import { marketNowOf } from '../gateway/market-now.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { Clock } from '../orders/ports.js';
import type { SlotMarket } from '../orders/trigger-book.js';
import { createOverdueSchedule } from '../orders/overdue-look.js';
import { TAKEN_UP_REPORT_MS } from '../orders/taken-up-report.js';
import { createTriggerComponent, type SlotStats } from '../orders/trigger-component.js';
import { SHORTEST_DEADLINE_MS } from '../protocol/submit-messages.js';
import { withTimeout } from '../util/with-timeout.js';
import type { PairSpec } from '../venues/types.js';
import type { Infrastructure, RedisKeys } from './infrastructure.js';

/** The lease lapses this long after its holder stopped renewing it; then a standby takes over. */
const LEASE_MS = 3_000;
/** How often the lease is renewed (or, standing by, tried), whatever else is running. */
const LEAD_EVERY_MS = 1_000;
/** How often resting orders are checked for their expireAt: on the engine's clock, whether slots come or not. */
const EXPIRE_EVERY_MS = 250;
/** How often the queue is checked for jobs that may be overdue (and the store read if so: see overdue-look.ts). */
const OVERDUE_EVERY_MS = 1_000;
/** The store is read for overdue orders at least this often, whatever the queue shows. */
const OVERDUE_LOOK_AT_LEAST_EVERY_MS = 10_000;
/** How long the overdue check waits for the queue's reading before it reads the store anyway. */
const QUEUE_READ_TIMEOUT_MS = 500;
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
  readonly metrics: EngineMetrics;
}

const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

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
  const store = observedStore(createOrderStore(infra.sql), deps.metrics.onMoved);
  const queue = createShardedQueue({ connection: infra.redis, shards: keys.queues, log });
  const component = createTriggerComponent({ store, queue, events: createEventPublisher(infra.commands, keys.events), clock, cpuMs, log });
  const lease = createLease(infra.commands, `${keys.namespace}:trigger:leader`, randomUUID(), LEASE_MS);

  /** This process evaluates (it holds the lease and has loaded the book). */
  let leading = false;
  /** Bumped on every take-over and stand-down: work begun under an older one leaves the book alone. */
  let term = 0;
  let stopped = false;
  let subscriber: { close(): Promise<void> } | null = null;
  let taking: Promise<void> | null = null;
  let evaluating = false;
  let expiring = false;
  let resyncing = false;

  /** Follows the stream from its position now, then loads the store: a change made meanwhile comes by the stream. */
  async function takeOver(myTerm: number): Promise<void> {
    component.clear();
    const fromId = await lastEventId(infra.commands, keys.events.resting);
    if (myTerm !== term) return;
    subscriber = startEventSubscriber({ redis: deps.connect(`${keys.namespace}:trigger-events`), streamKey: keys.events.resting, log, onEvent: component.onEvent, fromId });
    const loaded = await component.load(false, () => myTerm === term);
    if (myTerm !== term) return;
    leading = true;
    log.info({ resting: loaded }, 'evaluating resting orders');
  }

  async function standDown(): Promise<void> {
    term += 1;
    leading = false;
    const closing = subscriber;
    subscriber = null;
    await closing?.close();
    component.clear();
  }

  /** Renews (or takes) the lease on its own timer, so a long load never lets it lapse. */
  async function lead(): Promise<void> {
    if (stopped) return;
    let holds: boolean;
    try {
      holds = await lease.lead();
    } catch (err) {
      log.warn({ err }, 'could not renew the trigger lease');
      return; // it lapses if this goes on: a standby then takes over, and this one stands down below
    }
    if (stopped) return;
    if (holds && !taking && !leading) {
      const myTerm = ++term;
      taking = takeOver(myTerm)
        .catch(async (err: unknown) => {
          log.warn({ err }, 'could not take up the resting orders; giving the lease to a standby');
          await standDown().catch(() => undefined);
          await lease.release().catch(() => undefined);
        })
        .finally(() => (taking = null));
    } else if (!holds && (leading || taking)) {
      log.warn('lost the trigger lease; standing by');
      await standDown();
    }
  }
  const leadTimer = setInterval(() => void lead(), LEAD_EVERY_MS);
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

  let lastOverdueCheck = 0;
  let lookingOverdue = false;
  const overdueSchedule = createOverdueSchedule({
    shortestDeadlineMs: SHORTEST_DEADLINE_MS,
    slackMs: TAKEN_UP_REPORT_MS,
    atLeastEveryMs: OVERDUE_LOOK_AT_LEAST_EVERY_MS,
  });
  /** Expires the overdue market orders, reading the store only when some may be (see overdue-look.ts). */
  async function expireOverdue(): Promise<void> {
    // Redis waits out an outage rather than failing a command: past the timeout, look anyway.
    const reading = await withTimeout(queue.readAdmission(), QUEUE_READ_TIMEOUT_MS).catch(() => null);
    if (!overdueSchedule.due(clock.now(), reading)) return;
    try {
      if ((await component.expireOverdue()).more) overdueSchedule.again();
    } catch (err) {
      overdueSchedule.again();
      throw err;
    }
  }
  // Resting orders' expiries and the overdue look each run on their own: one slow does not hold up the other.
  const expireTimer = setInterval(() => {
    if (!leading) return;
    if (!expiring) {
      expiring = true;
      component
        .expireDue()
        .catch((err: unknown) => log.warn({ err }, 'could not expire orders'))
        .finally(() => (expiring = false));
    }
    if (!lookingOverdue && clock.now() - lastOverdueCheck >= OVERDUE_EVERY_MS) {
      lastOverdueCheck = clock.now();
      lookingOverdue = true;
      expireOverdue()
        .catch((err: unknown) => log.warn({ err }, 'could not expire overdue market orders'))
        .finally(() => (lookingOverdue = false));
    }
  }, EXPIRE_EVERY_MS);
  const resyncTimer = setInterval(() => {
    if (!leading || resyncing) return;
    resyncing = true;
    const myTerm = term;
    component
      .load(true, () => myTerm === term)
      .catch((err: unknown) => log.warn({ err }, 'could not check the resting orders against the store'))
      .finally(() => (resyncing = false));
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
        await taking; // a take-over under way ends (or gives up) before the stand-down
        const held = leading;
        await standDown();
        // A standby takes over at once instead of waiting the lease out.
        if (held) await lease.release();
        await queue.close();
      }),
    ] satisfies ShutdownStep[],
  };
}

/** One slot's market for the book: the slot's reference prices, and routes from its pools. */
function slotMarket(ticks: readonly MarketTick[], marketData: MarketData, findPair: (symbol: string) => PairSpec | undefined): SlotMarket {
  const byPair = new Map(ticks.map((tick) => [tick.pair, tick]));
  const market = marketNowOf(marketData);
  return {
    route: (pair, side, amount) => market.route(pair, side, amount)?.route ?? null,
    reference: (pair) => byPair.get(pair)?.reference ?? null,
    unit: (pair) => 10 ** -(findPair(pair)?.base.decimals ?? 6),
  };
}

export type TriggerRole = ReturnType<typeof startTrigger>;
