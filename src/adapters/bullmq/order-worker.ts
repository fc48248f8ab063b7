import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { EngineError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProcessOrder } from '../../orders/process-order.js';
import { TransientSendError } from '../../venues/chain.js';

const JobDataSchema = v.object({
  orderId: v.pipe(v.string(), v.uuid()),
  /** How many times this job was put back because of an infrastructure fault (not an attempt). */
  faults: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
});
const FAULT_RETRY_MIN_MS = 1_000;
const FAULT_RETRY_MAX_MS = 60_000;

/**
 * Runs the worker pool: `concurrency` orders at a time in this process. A transient send failure
 * uses BullMQ's attempts and backoff; a failed order becomes UnrecoverableError (never retried).
 * Any other fault (database or Redis down, a bug) puts the job back with a growing delay without
 * spending an attempt: an acked order waits for the fault to clear, and is never given up on while
 * its transaction might still land.
 */
export function startOrderWorker(options: {
  connection: Redis;
  prefix: string;
  name: string;
  concurrency: number;
  processOrder: ProcessOrder;
  log: Logger;
}) {
  const { processOrder, log } = options;
  const worker = new Worker(
    options.name,
    async (job: Job, token?: string) => {
      const data = v.parse(JobDataSchema, job.data);
      const attempt = { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
      try {
        const order = await processOrder(data.orderId, attempt);
        if (order.status === 'failed') throw new UnrecoverableError(`${order.failureCode}: ${order.failureReason}`);
        return { status: order.status };
      } catch (err) {
        if (err instanceof UnrecoverableError || err instanceof TransientSendError) throw err;
        if (err instanceof EngineError && err.code === 'ORDER_NOT_FOUND') throw new UnrecoverableError(err.message); // nothing to execute
        const delay = Math.min(FAULT_RETRY_MAX_MS, FAULT_RETRY_MIN_MS * 2 ** data.faults);
        log.error({ err, orderId: data.orderId, jobId: job.id, faults: data.faults + 1, retryInMs: delay }, 'order processing hit a fault; retrying later');
        await job.updateData({ ...data, faults: data.faults + 1 });
        await job.moveToDelayed(Date.now() + delay, token);
        throw new DelayedError();
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
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
    /** Stops taking jobs and waits for running ones, but never longer than `timeoutMs` (close hangs while Redis is down). */
    async close(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const result = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
      clearTimeout(timer);
      if (result === 'timeout') {
        log.warn({ timeoutMs }, 'workers did not drain in time; forcing close (their jobs will be re-delivered)');
        await Promise.race([worker.close(true), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      }
    },
  };
}
