import { createHash } from 'node:crypto';
import type { Cluster, Redis as RedisNode } from 'ioredis';
import type { Logger } from '../../log.js';
import type { QueuedTrigger } from '../../orders/ports.js';
import { createOrderQueue } from './order-queue.js';

type Redis = RedisNode | Cluster;

/** One queue shard: BullMQ's prefix (on a Redis Cluster, its own hash tag) and the queue's name. */
export interface QueueShard {
  readonly prefix: string;
  readonly name: string;
}

export type ShardedQueue = ReturnType<typeof createOrderQueue>;

/**
 * The order queue over several BullMQ queues (QUEUE_SHARDS), each under its own hash tag on a
 * Redis Cluster, so that no queue is one hot key on one node. An order goes to the shard its id
 * hashes to (a gateway batch becomes one job per shard it touches). Orders of one account may be
 * in different shards: the engine promises no order between orders (they run concurrently
 * anyway), only the order of each order's own events. Reads that span the queue ask every shard:
 * the start wait is the longest of any shard, job counts are summed, and an order is queued if any
 * shard holds it. With one shard this is the plain queue.
 */
export function createShardedQueue(options: { connection: Redis; shards: readonly QueueShard[]; log: Logger }): ShardedQueue {
  const queues = options.shards.map((shard) => createOrderQueue({ connection: options.connection, prefix: shard.prefix, name: shard.name, log: options.log }));
  if (queues.length === 1) return queues[0]!;
  const shardOf = (orderId: string) => queues[shardIndex(orderId, queues.length)]!;
  return {
    enqueue: (orderId) => shardOf(orderId).enqueue(orderId),

    // All or nothing per shard only: when one shard fails, this throws and the trigger component
    // puts every fired order back, so those queued in other shards may be queued twice. That is
    // safe: a trigger moves its order only at the seq it was seen at, so the second is dropped.
    async enqueueTriggers(triggers) {
      const byShard = new Map<ShardedQueue, QueuedTrigger[]>();
      for (const trigger of triggers) {
        const queue = shardOf(trigger.orderId);
        byShard.set(queue, [...(byShard.get(queue) ?? []), trigger]);
      }
      await Promise.all([...byShard].map(([queue, batch]) => queue.enqueueTriggers(batch)));
    },

    async queuedAmong(orderIds) {
      const found = await Promise.all(queues.map((queue) => queue.queuedAmong(orderIds)));
      return new Set(found.flatMap((set) => [...set]));
    },

    async startWaitMs() {
      return Math.max(...(await Promise.all(queues.map((queue) => queue.startWaitMs()))));
    },

    // Workers report to the first shard: the start wait read back is the longest over every shard.
    reportStartWait: (waitMs) => queues[0]!.reportStartWait(waitMs),

    async jobCounts() {
      const counts: Record<string, number> = {};
      for (const shard of await Promise.all(queues.map((queue) => queue.jobCounts()))) {
        for (const [state, count] of Object.entries(shard)) counts[state] = (counts[state] ?? 0) + count;
      }
      return counts;
    },

    close: async () => void (await Promise.all(queues.map((queue) => queue.close()))),
  };
}

/** The shard an order's id hashes to: stable across processes and restarts. */
export function shardIndex(orderId: string, shards: number): number {
  return createHash('sha1').update(orderId).digest().readUInt32BE(0) % shards;
}
