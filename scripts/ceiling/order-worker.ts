import { createHash } from 'node:crypto';
import { Worker } from 'bullmq';
import type { RedisClient as Redis } from '../../src/adapters/redis/connect.js';
import type { Sql } from 'postgres';
import * as v from 'valibot';
import type { Logger } from '../../src/log.js';
import { createBatcher } from '../../src/util/batcher.js';
import { advanceOrders } from './advance-orders.js';
import { createEventPublisher } from './event-stream.js';
import { orderEvent, previousOf, seqOf, type EventText, type WorkerStatus } from './order-events.js';

const JobDataSchema = v.object({ orderIds: v.pipe(v.array(v.pipe(v.string(), v.uuid())), v.minLength(1), v.maxLength(1_000)) });

/** Most orders one worker statement carries (the engine's batcher default). */
const MAX_ORDERS_PER_WRITE = 500;

/** The order's signature: derived from its id, so every statement that names it agrees. */
const signatureOf = (orderId: string): string => createHash('sha512').update(orderId).digest('base64url');

/**
 * The worker's half: for each order of a job, its four status changes, written in as many
 * statements as `statusGroups` has groups (each for a batch of orders, gathered for `lingerMs`
 * across jobs like the engine's worker writes), each group's events published on the stream only
 * after its statement committed, and the next group written only after they are published.
 */
export function startOrderWorker(options: {
  sql: Sql;
  connection: Redis;
  commands: Redis;
  keys: { queuePrefix: string; queueName: string; events: string };
  statusGroups: readonly (readonly WorkerStatus[])[];
  lingerMs: number;
  concurrency: number;
  log: Logger;
}) {
  const { sql, log } = options;
  const publish = createEventPublisher(options.commands, options.keys.events);
  const writes = options.statusGroups.map((statuses) => {
    const to = statuses[statuses.length - 1]!;
    const move = { from: previousOf(statuses[0]!), to, lastSeq: seqOf(to) };
    return createBatcher<string, EventText[] | null>({
      lingerMs: options.lingerMs,
      maxSize: MAX_ORDERS_PER_WRITE,
      keyOf: (orderId) => orderId,
      run: async (orderIds) => {
        const ts = Date.now();
        const events = orderIds.map((orderId) => {
          const txHash = signatureOf(orderId);
          return statuses.map((status) => orderEvent(orderId, status, txHash, ts));
        });
        const moved = await advanceOrders(sql, move, events.flat());
        return orderIds.map((orderId, i) => (moved.has(orderId) ? events[i]! : null));
      },
    });
  });

  async function runOrder(orderId: string): Promise<void> {
    for (const write of writes) {
      const events = await write(orderId);
      // Not at the expected status: a delivery before this one moved it on (the ceiling does not re-publish).
      if (!events) return;
      await Promise.all(events.map((event) => publish(event)));
    }
  }

  const worker = new Worker(
    options.keys.queueName,
    async (job) => {
      const { orderIds } = v.parse(JobDataSchema, job.data);
      await Promise.all(orderIds.map(runOrder));
      return { orders: orderIds.length };
    },
    { connection: options.connection, prefix: options.keys.queuePrefix, concurrency: options.concurrency, maxStalledCount: 100 },
  );
  let lastError = '';
  worker.on('error', (err) => {
    if (err.message !== lastError) log.error({ err }, 'worker error');
    lastError = err.message;
  });
  worker.on('failed', (job, err) => log.warn({ err, jobId: job?.id }, 'job failed; BullMQ retries it'));
  return {
    /** Stops taking jobs and lets the running ones finish. */
    close: () => worker.close(),
  };
}
