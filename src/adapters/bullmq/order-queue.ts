import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { createBatcher } from '../../batcher.js';
import type { OrderQueue } from '../../orders/ports.js';

/** Attempts and backoff for transient execution failures: 1 s, 2 s, then give up after the third. */
export const JOB_ATTEMPTS = 3;
const JOB_OPTIONS = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1_000 },
  // A finished job is dropped at once: keeping it would only dedupe late adds by jobId, and the
  // database already guards against a second execution (every step is a guarded status change).
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The OrderQueue port on BullMQ: one job per order, its id the order id, so a duplicate add is a no-op. */
export function createOrderQueue(options: { connection: Redis; prefix: string; name: string; log: Logger }): OrderQueue & { close(): Promise<void> } {
  const queue = new Queue(options.name, { connection: options.connection, prefix: options.prefix });
  // The shared connection already reports its own errors; this only keeps them off stderr.
  queue.on('error', (err) => options.log.debug({ err }, 'queue error'));
  // Orders submitted in the same turn of the event loop are added in one round trip.
  const add = createBatcher<string, void>({
    run: async (orderIds) => {
      await queue.addBulk(orderIds.map((orderId) => ({ name: 'execute', data: { orderId }, opts: { ...JOB_OPTIONS, jobId: orderId } })));
      return orderIds.map(() => undefined);
    },
  });
  return {
    enqueue: (orderId) => add(orderId),
    has: async (orderId) => (await queue.getJob(orderId)) !== undefined,
    close: () => queue.close(),
  };
}
