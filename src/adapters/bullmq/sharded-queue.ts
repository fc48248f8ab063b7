import { randomInt } from 'node:crypto';
import type { Cluster, Redis as RedisNode } from 'ioredis';
import type { Logger } from '../../log.js';
import type { QueueReading } from '../../orders/ports.js';
import { admissionCountersOf, createOrderQueue } from './order-queue.js';

type Redis = RedisNode | Cluster;

/** One queue shard: BullMQ's prefix (on a Redis Cluster, its own hash tag) and the queue's name. */
export interface QueueShard {
  readonly prefix: string;
  readonly name: string;
}

type OrderQueueShard = ReturnType<typeof createOrderQueue>;

export type ShardedQueue = Omit<OrderQueueShard, 'readShard' | 'clearIdleBacklog'> & {
  /** What admission control reads, across every shard (see readAdmission). */
  readAdmission(): Promise<QueueReading>;
};

/**
 * The order queue over several BullMQ queues (QUEUE_SHARDS), each under its own hash tag on a
 * Redis Cluster, so that no queue is one hot key on one node. The orders queued in one turn of the
 * event loop (a gateway's batch of submits, a slot's triggers) go to one shard, and the next turn's
 * to the next shard: a batch stays one job (BullMQ's cost is per job, so splitting a batch over
 * the shards would multiply it), and the shards take turns. Orders of one account may be
 * in different shards: the engine promises no order between orders (they run concurrently
 * anyway), only the order of each order's own events. Reads that span the queue ask every shard:
 * the admission counters are kept on the first shard and the oldest wait is the longest of any, job counts are summed, and an order is queued if any
 * shard holds it. With one shard this is the plain queue.
 */
export function createShardedQueue(options: { connection: Redis; shards: readonly QueueShard[]; log: Logger }): ShardedQueue {
  // Every gateway and worker counts the deployment's backlog and drain on the first shard.
  const first = options.shards[0]!;
  const counters = admissionCountersOf(first.prefix, first.name);
  const queues = options.shards.map((shard) => createOrderQueue({ connection: options.connection, prefix: shard.prefix, name: shard.name, log: options.log, counters }));
  /**
   * The backlog and the taken-up counter (kept on the first shard), and the oldest wait of any
   * shard. A backlog read while no shard has a job waiting or running is cleared (unless it moved
   * meanwhile): what was counted in and never out cannot build up.
   */
  const readAdmission = async (): Promise<QueueReading> => {
    const shards = await Promise.all(queues.map((queue) => queue.readShard()));
    const { backlog, takenUp } = shards[0]!;
    if (backlog > 0 && shards.every((shard) => shard.jobs === 0)) await queues[0]!.clearIdleBacklog(backlog);
    return { backlog, takenUp, oldestQueuedMs: Math.max(...shards.map((shard) => shard.oldestQueuedMs)) };
  };
  if (queues.length === 1) return { ...queues[0]!, readAdmission };
  // Each process starts at a shard of its own, so that the gateways do not all begin on the first.
  let next = randomInt(queues.length);
  let ofThisTurn: OrderQueueShard | undefined;
  const shardOfTurn = (): OrderQueueShard => {
    if (!ofThisTurn) {
      ofThisTurn = queues[next++ % queues.length]!;
      setImmediate(() => (ofThisTurn = undefined));
    }
    return ofThisTurn;
  };
  return {
    enqueue: (orderId) => shardOfTurn().enqueue(orderId),

    // A slot's triggers are one job on one shard: all queued or, when it fails, none (the trigger
    // component then puts every fired order back). A trigger queued twice would still be safe: it
    // moves its order only at the seq it was seen at, so the second is dropped.
    async enqueueTriggers(triggers) {
      await shardOfTurn().enqueueTriggers(triggers);
    },

    async queuedAmong(orderIds) {
      const found = await Promise.all(queues.map((queue) => queue.queuedAmong(orderIds)));
      return new Set(found.flatMap((set) => [...set]));
    },

    readAdmission,

    // Every queue counts on the first shard's counters.
    reportTakenUp: (count) => queues[0]!.reportTakenUp(count),

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
