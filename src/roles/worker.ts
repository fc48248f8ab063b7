import { startOrderWorker } from '../adapters/bullmq/order-worker.js';
import { createShardedQueue } from '../adapters/bullmq/sharded-queue.js';
import { createOrderStore } from '../adapters/postgres/order-store.js';
import { createSwitchStore } from '../adapters/postgres/switch-store.js';
import { createCancelAll } from '../orders/cancel-all.js';
import { fireDueSwitches } from '../orders/dead-man-switch.js';
import { createEventPublisher } from '../adapters/redis/event-bus.js';
import type { Config } from '../config.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import { failUnqueuedOrders } from '../orders/fail-unqueued.js';
import type { Clock } from '../orders/ports.js';
import { createProcessOrder } from '../orders/process-order.js';
import { startTakenUpReport, TAKEN_UP_REPORT_MS } from '../orders/taken-up-report.js';
import { randomIds } from '../adapters/os/random-ids.js';
import type { Infrastructure, RedisKeys } from './infrastructure.js';
import type { Chain } from '../chain/types.js';
import type { ProcessDeps } from '../orders/process-order.js';
import { observedStore } from '../orders/observed-store.js';
import type { EngineMetrics } from '../adapters/prometheus/engine-metrics.js';

/** How often a worker looks for dead-man switches that are due (they fire within this of their time). */
const SWITCH_CHECK_EVERY_MS = 250;

/** How often a worker looks for orders a gateway stored but never queued. */
const UNQUEUED_SWEEP_EVERY_MS = 30_000;

export interface WorkerDeps {
  readonly config: Config;
  readonly infra: Infrastructure;
  readonly keys: RedisKeys;
  /** The chain as an RPC client reaches it. */
  readonly chain: Chain;
  /** Routes against the latest slot's pools. */
  readonly route: ProcessDeps['route'];
  /** The latest slot's market without the quote latency. */
  readonly market: ProcessDeps['market'];
  /** The traded pairs, default and launched. */
  readonly findPair: ProcessDeps['findPair'];
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: EngineMetrics;
}

/**
 * The worker role: a BullMQ worker pool that drives each queued order through routing, building,
 * submitted to its end on the chain, plus the sweep that fails orders never queued.
 */
export function startWorker(deps: WorkerDeps) {
  const { config, infra, keys, clock, log } = deps;
  // A worker's writes linger a moment to go out in bigger batches: fewer round trips, commits and
  // statements to plan. (The gateway's own store never lingers: acks wait on its inserts.)
  const lingerMs = config.workerBatchLingerMs;
  const store = observedStore(createOrderStore(infra.sql, { lingerMs }), deps.metrics.onMoved);
  const queueOptions = { connection: infra.redis, shards: keys.queues, log };
  // The orders taken up from each shard in the last 100 ms are counted out of that shard's backlog,
  // in Redis, where every gateway's admission control reads it (summed) and the drain rate.
  const reporter = createShardedQueue(queueOptions);
  const takenUp = keys.queues.map((_, i) => startTakenUpReport({ send: (count) => reporter.reportTakenUp(i, count), everyMs: TAKEN_UP_REPORT_MS, log }));
  const processOrder = createProcessOrder({
    store,
    events: createEventPublisher(infra.commands, keys.events, { lingerMs }),
    chain: deps.chain,
    route: deps.route,
    clock,
    ids: randomIds,
    findPair: deps.findPair,
    market: deps.market,
    log,
  });
  // One BullMQ worker per queue shard, each with its share of WORKER_CONCURRENCY (the shares add up
  // to it; config refuses more shards than that): each process's batches take the shards in turn,
  // so every shard is served alike.
  const shards = keys.queues.length;
  const shareOf = (i: number) => Math.floor(config.workerConcurrency / shards) + (i < config.workerConcurrency % shards ? 1 : 0);
  const workers = keys.queues.map((shard, i) =>
    startOrderWorker({ connection: infra.redis, prefix: shard.prefix, name: shard.name, concurrency: shareOf(i), processOrder, onTakenUp: () => takenUp[i]!.add(), log }),
  );

  const sweepQueue = createShardedQueue(queueOptions);
  const sweepEvents = createEventPublisher(infra.commands, keys.events);
  const sweep = () =>
    failUnqueuedOrders({ store, queue: sweepQueue, events: sweepEvents, clock, log }).catch((err: unknown) => log.warn({ err }, 'sweep for unqueued orders failed'));
  const sweeper = setInterval(() => void sweep(), UNQUEUED_SWEEP_EVERY_MS);
  sweeper.unref();
  void sweep();

  // Dead-man switches fire from here, not from the gateway that armed them: that one may be gone.
  const switches = { switches: createSwitchStore(infra.sql), cancelAll: createCancelAll({ store, events: sweepEvents, clock }), log };
  let firing = false;
  const switchTimer = setInterval(() => {
    if (firing) return; // a slow firing (a big account) is not overtaken by the next look
    firing = true;
    fireDueSwitches(switches)
      .catch((err: unknown) => log.warn({ err }, 'could not fire due dead-man switches'))
      .finally(() => (firing = false));
  }, SWITCH_CHECK_EVERY_MS);
  switchTimer.unref();

  return {
    /** Stops taking jobs and lets running ones finish within the time given (they are re-delivered otherwise). */
    drain: async (timeoutMs: number) => void (await Promise.all(workers.map((worker) => worker.close(timeoutMs)))),
    shutdownSteps: [
      closeStep('stop the unqueued-order sweep and the dead-man switches', async () => {
        clearInterval(sweeper);
        clearInterval(switchTimer);
        // What was taken up since the last report is counted out too, else the backlog reads high until the queue is next idle.
        await Promise.all(takenUp.map((report) => report.flush()));
        await sweepQueue.close();
        await reporter.close();
      }),
    ] satisfies ShutdownStep[],
  };
}

export type WorkerRole = ReturnType<typeof startWorker>;
