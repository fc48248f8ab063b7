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
 * The job that has waited longest and when it was added (ms, the adder's clock), in one round trip.
 * BullMQ pushes new jobs on the left of its wait list and workers take them from the right, so the
 * oldest is the last one. KEYS: the wait list; ARGV: the prefix of job hashes.
 */
const OLDEST_WAITING = `
local lag = tonumber(redis.call('GET', KEYS[2]) or '0')
local id = redis.call('LINDEX', KEYS[1], -1)
local added = false
if id then added = redis.call('HGET', ARGV[1] .. id, 'timestamp') end
return { added, lag }`;

/**
 * Raises the start wait the workers report to at least ARGV[1] ms, for ARGV[2] ms: the key holds
 * the longest wait reported lately by any worker, and lapses when none reports one as long.
 */
const REPORT_START_WAIT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wait = tonumber(ARGV[1])
if wait >= current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0`;
/** How long a reported start wait counts. */
const START_WAIT_TTL_MS = 500;

/**
 * The OrderQueue port on BullMQ. Orders submitted in the same turn of the event loop travel in one
 * job (`{ orderIds }`): BullMQ's per-job work (the add, the move to
 * active, the finish, their Lua scripts and lock keys) is paid once per batch instead of once per
 * order. The worker runs each order of a job on its own, with its own retries (order-worker.ts).
 * Jobs take BullMQ's own ids: an order queued twice (a duplicate submit finding it still pending)
 * is in two jobs, which is safe, since every step of an order is a guarded change in the database.
 */
export function createOrderQueue(options: { connection: Redis; prefix: string; name: string; log: Logger }): OrderQueue &
  TriggerQueue & { startWaitMs(): Promise<number>; reportStartWait(waitMs: number): Promise<void>; jobCounts(): Promise<Record<string, number>>; close(): Promise<void> } {
  const queue = new Queue(options.name, { connection: options.connection, prefix: options.prefix });
  // The shared connection already reports its own errors; this only keeps them off stderr.
  queue.on('error', (err) => options.log.debug({ err }, 'queue error'));
  const add = createBatcher<string, void>({
    maxSize: MAX_ORDERS_PER_JOB,
    run: async (orderIds) => {
      // One order queued twice in one turn (a duplicate submit) is carried once.
      await queue.add('execute', { orderIds: [...new Set(orderIds)] }, JOB_OPTIONS);
      return orderIds.map(() => undefined);
    },
  });
  return {
    enqueue: (orderId) => add(orderId),

    async enqueueTriggers(triggers) {
      // A slot's triggers travel together, MAX_ORDERS_PER_JOB to a job, all jobs in one MULTI (all
      // queued or none); each trigger is guarded by its seq in the store.
      const jobs = [];
      for (let i = 0; i < triggers.length; i += MAX_ORDERS_PER_JOB) {
        const batch = triggers.slice(i, i + MAX_ORDERS_PER_JOB);
        jobs.push({ name: 'trigger', data: { orderIds: batch.map((t) => t.orderId), triggers: batch }, opts: JOB_OPTIONS });
      }
      if (jobs.length > 0) await queue.addBulk(jobs);
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

    /**
     * How long orders wait to be started, ms (0: none waits): the longer of the oldest job's wait
     * in the queue (by this process's clock) and the start wait workers reported lately.
     */
    async startWaitMs(): Promise<number> {
      const base = `${options.prefix}:${options.name}:`;
      const [added, lag] = (await options.connection.eval(OLDEST_WAITING, 2, `${base}wait`, `${base}start-wait`, base)) as [string | null, number];
      const queued = added === null ? 0 : Math.max(0, Date.now() - Number(added));
      return Math.max(queued, Number(lag) || 0);
    },

    /** The queue's jobs by state (a job carries one batch of orders). */
    jobCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),

    /** Reports how long an order just started had waited since its ack (the longest reported lately counts). */
    async reportStartWait(waitMs: number): Promise<void> {
      await options.connection.eval(REPORT_START_WAIT, 1, `${options.prefix}:${options.name}:start-wait`, Math.round(waitMs), START_WAIT_TTL_MS);
    },

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
