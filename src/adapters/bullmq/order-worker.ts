import { DelayedError, Worker, type Job } from 'bullmq';
import type { Cluster, Redis as RedisNode } from 'ioredis';

/** BullMQ takes a single Redis or a Redis Cluster connection alike. */
type Redis = RedisNode | Cluster;
import * as v from 'valibot';
import { EngineError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProcessOrder } from '../../orders/process-order.js';
import { ChainUnavailableError, TransientSendError } from '../../chain/types.js';
import { createSemaphore } from '../../util/semaphore.js';

const OrderId = v.pipe(v.string(), v.uuid());
const JobDataSchema = v.pipe(
  v.object({
    orderIds: v.optional(v.pipe(v.array(OrderId), v.minLength(1), v.maxLength(1_000))),
    /** A job queued by an earlier version carries one order. */
    orderId: v.optional(OrderId),
    /** Orders of this job already finished by an earlier delivery: a retry skips them. */
    done: v.optional(v.array(OrderId), []),
    /** Orders of this job an earlier delivery already counted out of the admission backlog: a re-run does not count them again. */
    counted: v.optional(v.array(OrderId), []),
    /** Resting orders of this job whose condition held: each is triggered only at the seq it was seen at. */
    triggers: v.optional(
      v.array(
        v.object({
          orderId: OrderId,
          seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
          triggeredAt: v.pipe(v.number(), v.integer()),
          price: v.pipe(v.number(), v.finite(), v.minValue(0)),
        }),
      ),
      [],
    ),
    /** How many times this job was put back because of an infrastructure fault (not an attempt). */
    faults: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  }),
  v.check((data) => data.orderIds !== undefined || data.orderId !== undefined, 'a job names its orders'),
);
const FAULT_RETRY_MIN_MS = 1_000;
const FAULT_RETRY_MAX_MS = 60_000;
/** While the chain produces no slots, a job looks again this often (not on the growing fault backoff): it may be back any moment. */
const CHAIN_RETRY_MS = 1_000;

/** An order of a job that had not started when the worker began closing: the job goes back to the queue. */
class NotStarted extends Error {
  override readonly name = 'NotStarted';
}

/** The part of a close's time kept for the forced close of what did not drain (at most half of a short close). */
const FORCE_CLOSE_MS = 1_000;
const FORCE_CLOSE_MAX_SHARE = 0.5;

/**
 * Runs the worker pool: at most `concurrency` orders at a time in this process. A job carries the
 * orders one gateway batch queued together; each runs on its own and ends on its own. When one of
 * them hits a transient send failure, the job is retried with BullMQ's attempts and backoff, and the
 * retry skips the orders already finished (`done`). A failed order is final and never retried. Any
 * other fault (database or Redis down, a bug) puts the job back with a growing delay without
 * spending an attempt: an acked order waits for the fault to clear, and is never given up on while
 * its transaction might still land. A job whose worker died is delivered again; every order resumes
 * from its guarded state in the database, so nothing is executed twice.
 */
export function startOrderWorker(options: {
  connection: Redis;
  prefix: string;
  name: string;
  concurrency: number;
  processOrder: ProcessOrder;
  /** Told of each order as it is taken into a slot, once per order of a job (admission control's drain). */
  onTakenUp?: () => void;
  log: Logger;
}) {
  const { processOrder, log } = options;
  const limit = options.concurrency;
  const slots = createSemaphore(limit);
  let closing = false;
  // Orders held by this worker (running or waiting for a slot) and the jobs carrying them. A job is
  // only taken while a slot is free, so one worker never hoards a backlog that others could run.
  let held = 0;
  let activeJobs = 0;
  const throttle = () => {
    worker.concurrency = held >= limit ? Math.max(1, activeJobs) : limit;
  };
  const run = async (job: Job, token?: string) => {
    const data = v.parse(JobDataSchema, job.data);
    const orderIds = data.orderIds ?? [data.orderId!];
    const attempt = { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
    const todo = orderIds.filter((orderId) => !data.done.includes(orderId));
    if (closing) {
      // Taken just as this worker began closing: back to the queue at once, for any other worker.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    held += todo.length;
    activeJobs += 1;
    throttle();
    try {
      return await runOrders(job, token, data, todo, attempt);
    } finally {
      held -= todo.length;
      activeJobs -= 1;
      throttle();
    }
  };
  type JobData = v.InferOutput<typeof JobDataSchema>;
  const runOrders = async (job: Job, token: string | undefined, data: JobData, todo: string[], attempt: { number: number; max: number }) => {
    const orderIds = data.orderIds ?? [data.orderId!];
    const triggers = new Map(data.triggers.map((trigger) => [trigger.orderId, trigger]));
    // Counted out once per order of the job, however often it is re-run (a chain outage, a sniper
    // waiting for its launch re-run every second): a re-run is not more drain.
    const countedBefore = new Set(data.counted);
    const counted = [...data.counted];
    const results = await Promise.allSettled(
      todo.map((orderId) =>
        slots.run(() => {
          if (closing) throw new NotStarted();
          if (!countedBefore.has(orderId)) {
            counted.push(orderId);
            options.onTakenUp?.();
          }
          return processOrder(orderId, attempt, triggers.get(orderId));
        }),
      ),
    );

    const done = [...data.done];
    let transient: TransientSendError | undefined;
    let chainDown: ChainUnavailableError | undefined;
    let fault: unknown;
    let notStarted = 0;
    results.forEach((result, i) => {
      const orderId = todo[i]!;
      if (result.status === 'fulfilled') return void done.push(orderId);
      const err: unknown = result.reason;
      if (err instanceof NotStarted) notStarted += 1;
      else if (err instanceof TransientSendError) transient ??= err;
      else if (err instanceof ChainUnavailableError) chainDown ??= err;
      else if (err instanceof EngineError && err.code === 'ORDER_NOT_FOUND') {
        log.warn({ orderId, jobId: job.id }, 'queued order does not exist; skipped');
        done.push(orderId); // nothing to execute
      } else {
        fault ??= err;
        log.error({ err, orderId, jobId: job.id }, 'order processing hit a fault');
      }
    });
    if (notStarted > 0 && fault === undefined) {
      // Closing: what this worker has not started goes back at once, for another worker (or the
      // next start) to run; what finished is recorded so it is not run again.
      log.info({ jobId: job.id, notStarted }, 'closing: job put back with the orders not started');
      await job.updateData({ ...data, done, counted });
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    if (chainDown && fault === undefined) {
      // No attempt is spent and no fault counted: the orders wait for the chain (bounded by their deadlines).
      log.warn({ jobId: job.id, reason: chainDown.message, retryInMs: CHAIN_RETRY_MS }, 'the chain produces no slots; job put back');
      await job.updateData({ ...data, done, counted });
      await job.moveToDelayed(Date.now() + CHAIN_RETRY_MS, token);
      throw new DelayedError();
    }
    if (fault !== undefined) {
      const delay = Math.min(FAULT_RETRY_MAX_MS, FAULT_RETRY_MIN_MS * 2 ** data.faults);
      log.error({ jobId: job.id, faults: data.faults + 1, retryInMs: delay }, 'job put back after a fault; retrying later');
      await job.updateData({ ...data, done, counted, faults: data.faults + 1 });
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    if (transient) {
      if (done.length > data.done.length || counted.length > data.counted.length) await job.updateData({ ...data, done, counted });
      throw transient; // BullMQ's attempts and backoff
    }
    return { orders: orderIds.length };
  };
  const worker = new Worker(
    options.name,
    run,
    {
      connection: options.connection,
      prefix: options.prefix,
      // At most `concurrency` jobs, and no new one while the orders held fill every slot (throttle).
      concurrency: limit,
      // A job whose worker died is re-delivered; the order's guarded state makes that safe.
      maxStalledCount: 100,
    },
  );
  let lastError = '';
  worker.on('error', (err) => {
    // While Redis is down this fires on every reconnect attempt; log each distinct error once.
    if (err.message !== lastError) log.error({ err }, 'worker error');
    lastError = err.message;
  });
  worker.on('ready', () => (lastError = ''));
  return {
    /**
     * Stops taking jobs and waits for running ones, all within `timeoutMs` (close hangs while Redis
     * is down): what is still running when the graceful part is over is force-closed, its jobs then
     * re-delivered.
     */
    async close(timeoutMs: number) {
      closing = true;
      const forceMs = Math.min(FORCE_CLOSE_MS, timeoutMs * FORCE_CLOSE_MAX_SHARE);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs - forceMs)));
      const result = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
      clearTimeout(timer);
      if (result === 'timeout') {
        log.warn({ timeoutMs }, 'workers did not drain in time; forcing close (their jobs will be re-delivered)');
        await Promise.race([worker.close(true), new Promise((resolve) => setTimeout(resolve, forceMs))]);
      }
    },
  };
}
