import { Queue } from 'bullmq';
import type { Cluster, Redis as RedisNode } from 'ioredis';

/** BullMQ takes a single Redis or a Redis Cluster connection alike. */
type Redis = RedisNode | Cluster;
import type { Logger } from '../../log.js';
import { createBatcher } from '../../util/batcher.js';
import type { OrderQueue, TriggerQueue } from '../../orders/ports.js';

/** Attempts and backoff for transient execution failures: 1 s, 2 s, then give up after the third. */
export const JOB_ATTEMPTS = 3;
/** Most orders one job carries. */
export const MAX_ORDERS_PER_JOB = 100;
const JOB_OPTIONS = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1_000 },
  // A finished job is dropped at once: keeping it would only dedupe late adds by jobId, and the
  // database already guards against a second execution (every step is a guarded status change).
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * What admission control reads of one shard, in one round trip: when the job that has waited
 * longest was added (ms, the adder's clock; BullMQ pushes new jobs on the left of its wait list and
 * workers take them from the right, so the oldest is the last one), how many jobs wait and run, and
 * the shard's admission counters. KEYS: the wait list, the active list, the backlog and taken-up
 * counters; ARGV: the prefix of job hashes.
 */
const READ_SHARD = `
local id = redis.call('LINDEX', KEYS[1], -1)
local added = false
if id then added = redis.call('HGET', ARGV[1] .. id, 'timestamp') end
local backlog = redis.call('GET', KEYS[3]) or '0'
local taken = redis.call('GET', KEYS[4]) or '0'
return { added, redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2]), backlog, taken }`;

/**
 * Moves the admission counters: the backlog (orders queued, not taken up yet) by ARGV[1], never
 * below 0, and the taken-up counter by ARGV[2]. An order taken up twice (a job re-delivered after
 * a crash or a fault) is counted twice; the floor absorbs that the next time the backlog drains.
 * KEYS: the backlog, the taken-up counter.
 */
const MOVE_COUNTERS = `
local backlog = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
if backlog < 0 then backlog = 0 end
redis.call('SET', KEYS[1], backlog)
if tonumber(ARGV[2]) > 0 then redis.call('INCRBY', KEYS[2], ARGV[2]) end
return backlog`;

/**
 * Sets the shard's backlog to 0 if it still holds ARGV[1] and the shard still has no job waiting
 * or running (checked again here, in the same step): an order counted in but never out (a gateway
 * that died between its count and its add) is not counted for ever. KEYS: the backlog, the wait
 * list, the active list (one shard's, so one hash tag).
 */
const CLEAR_IDLE_BACKLOG = `
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3]) == 0 then
  redis.call('SET', KEYS[1], '0')
end
return 0`;

/** Where a shard's admission counters live: under its own prefix (on a Redis Cluster, its own hash tag). */
export interface AdmissionCounters {
  readonly backlog: string;
  readonly takenUp: string;
}

/** The admission counters of a shard (`prefix`, `name`): the orders queued on it and taken up from it. */
export function admissionCountersOf(prefix: string, name: string): AdmissionCounters {
  return { backlog: `${prefix}:${name}:backlog`, takenUp: `${prefix}:${name}:taken-up` };
}

/** What one shard holds for admission control. */
export interface ShardReading {
  /** How long its oldest waiting job has waited, ms (by this process's clock; 0: none). */
  readonly oldestQueuedMs: number;
  /** Its jobs waiting or running (0: idle). */
  readonly jobs: number;
  /** Its orders queued and not taken up yet. */
  readonly backlog: number;
  /** Its orders taken up since its counter began. */
  readonly takenUp: number;
}

/**
 * The OrderQueue port on BullMQ. Orders submitted in the same turn of the event loop travel in one
 * job (`{ orderIds }`): BullMQ's per-job work (the add, the move to
 * active, the finish, their Lua scripts and lock keys) is paid once per batch instead of once per
 * order. The worker runs each order of a job on its own, with its own retries (order-worker.ts).
 * Jobs take BullMQ's own ids: an order queued twice (a duplicate submit finding it still pending)
 * is in two jobs, which is safe, since every step of an order is a guarded change in the database.
 */
export function createOrderQueue(options: {
  connection: Redis;
  prefix: string;
  name: string;
  log: Logger;
}): OrderQueue &
  TriggerQueue & {
    readShard(): Promise<ShardReading>;
    reportTakenUp(count: number): Promise<void>;
    clearIdleBacklog(backlog: number): Promise<void>;
    jobCounts(): Promise<Record<string, number>>;
    close(): Promise<void>;
  } {
  const { connection } = options;
  const queue = new Queue(options.name, { connection, prefix: options.prefix });
  const counters = admissionCountersOf(options.prefix, options.name);
  const base = `${options.prefix}:${options.name}:`;
  const moveCounters = (backlog: number, takenUp: number) => connection.eval(MOVE_COUNTERS, 2, counters.backlog, counters.takenUp, backlog, takenUp);
  /**
   * Adds jobs counted in the backlog first, so a worker never counts an order out before it was
   * counted in (its count would be lost to the floor); a failed add counts them out again.
   */
  const countedAdd = async (orders: number, add: () => Promise<unknown>) => {
    // Handled at once: the add may take longer to fail or succeed than the count (never an unhandled rejection).
    // Not counted (Redis failed between the two): the backlog reads low until the next count.
    const counted = connection.incrby(counters.backlog, orders).then(
      () => true,
      (err: unknown) => {
        options.log.debug({ err }, 'could not count queued orders for admission control');
        return false;
      },
    );
    try {
      await add();
    } catch (err) {
      if (await counted) await moveCounters(-orders, 0).catch(() => undefined);
      throw err;
    }
    await counted;
  };
  // The shared connection already reports its own errors; this only keeps them off stderr.
  queue.on('error', (err) => options.log.debug({ err }, 'queue error'));
  const add = createBatcher<string, void>({
    maxSize: MAX_ORDERS_PER_JOB,
    run: async (orderIds) => {
      // One order queued twice in one turn (a duplicate submit) is carried once.
      const unique = [...new Set(orderIds)];
      await countedAdd(unique.length, () => queue.add('execute', { orderIds: unique }, JOB_OPTIONS));
      return orderIds.map(() => undefined);
    },
  });
  return {
    enqueue: (orderId) => add(orderId),

    async enqueueTriggers(triggers) {
      // A slot's triggers travel together, MAX_ORDERS_PER_JOB to a job, all jobs in one MULTI (all
      // queued or none); each trigger is guarded by its seq in the store.
      const jobs: Array<{ name: string; data: unknown; opts: typeof JOB_OPTIONS }> = [];
      for (let i = 0; i < triggers.length; i += MAX_ORDERS_PER_JOB) {
        const batch = triggers.slice(i, i + MAX_ORDERS_PER_JOB);
        jobs.push({ name: 'trigger', data: { orderIds: batch.map((t) => t.orderId), triggers: batch }, opts: JOB_OPTIONS });
      }
      if (jobs.length > 0) await countedAdd(triggers.length, () => queue.addBulk(jobs));
    },

    async queuedAmong(orderIds) {
      // Only asked about orders left `pending` for a minute (rare). One getJobs over every live state
      // reads their lists in one script: a job moving between states (a delay ending, a stalled job
      // recovered) is seen in exactly one of them, never missed between two reads.
      const wanted = new Set(orderIds);
      const found = new Set<string>();
      const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized'], 0, -1, true);
      for (const job of jobs) {
        for (const orderId of jobOrderIds(job?.data)) if (wanted.has(orderId)) found.add(orderId);
      }
      return found;
    },

    /** This shard's oldest wait, jobs and admission counters. */
    async readShard(): Promise<ShardReading> {
      const keys = [`${base}wait`, `${base}active`, counters.backlog, counters.takenUp];
      const [added, jobs, backlog, takenUp] = (await connection.eval(READ_SHARD, keys.length, ...keys, base)) as [string | null, number, string, string];
      const oldestQueuedMs = added === null ? 0 : Math.max(0, Date.now() - Number(added));
      return { oldestQueuedMs, jobs: Number(jobs), backlog: Number(backlog) || 0, takenUp: Number(takenUp) || 0 };
    },

    /** Counts orders a worker took up from this shard out of its backlog, and into the drain rate. */
    async reportTakenUp(count: number): Promise<void> {
      await moveCounters(-count, count);
    },

    /** The shard was seen idle with this backlog: clears it unless it moved or a job came since. */
    async clearIdleBacklog(backlog: number): Promise<void> {
      await connection.eval(CLEAR_IDLE_BACKLOG, 3, counters.backlog, `${base}wait`, `${base}active`, backlog);
    },

    /** The queue's jobs by state (a job carries one batch of orders). */
    jobCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),

    close: () => queue.close(),
  };
}

/** The orders a job carries: `{ orderIds }`, or `{ orderId }` from jobs queued by earlier versions. */
export function jobOrderIds(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const { orderIds, orderId } = data as { orderIds?: unknown; orderId?: unknown };
  if (Array.isArray(orderIds)) return orderIds.filter((id): id is string => typeof id === 'string');
  return typeof orderId === 'string' ? [orderId] : [];
}
