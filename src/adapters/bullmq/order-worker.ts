import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import * as v from 'valibot';
import type { Logger } from '../../log.js';
import type { ProcessOrder } from '../../orders/process-order.js';
import { TransientSendError } from '../../venues/chain.js';

const JobDataSchema = v.object({ orderId: v.pipe(v.string(), v.uuid()) });
const INFRA_RETRY_MS = 2_000;

/**
 * Runs the worker pool: `concurrency` orders at a time in this process. Transient send failures
 * use BullMQ's attempts and backoff; a failed order becomes UnrecoverableError (never retried);
 * an infrastructure error (database down) delays the job without spending an attempt, so an acked
 * order waits for the database instead of being given up.
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
      const { orderId } = v.parse(JobDataSchema, job.data);
      const attempt = { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
      try {
        const order = await processOrder(orderId, attempt);
        if (order.status === 'failed') throw new UnrecoverableError(`${order.failureCode}: ${order.failureReason}`);
        return { status: order.status };
      } catch (err) {
        if (err instanceof UnrecoverableError || err instanceof TransientSendError) throw err;
        log.error({ err, orderId, jobId: job.id }, 'order processing hit an infrastructure error; retrying later');
        await job.moveToDelayed(Date.now() + INFRA_RETRY_MS, token);
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
