import { Queue } from 'bullmq';
import type { RedisClient as Redis } from '../../src/adapters/redis/connect.js';
import type { Logger } from '../../src/log.js';

/** The engine's job options: 3 attempts with backoff, a finished job dropped at once. */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** The BullMQ queue the gateway part adds one job to per batch of orders (`{ orderIds }`). */
export function createOrderQueue(options: { connection: Redis; prefix: string; name: string; log: Logger }) {
  const queue = new Queue(options.name, { connection: options.connection, prefix: options.prefix });
  queue.on('error', (err) => options.log.debug({ err }, 'queue error'));
  return {
    async addBatch(orderIds: readonly string[]): Promise<void> {
      await queue.add('execute', { orderIds }, JOB_OPTIONS);
    },
    close: () => queue.close(),
  };
}

export type OrderQueue = ReturnType<typeof createOrderQueue>;
