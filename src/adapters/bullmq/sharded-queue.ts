import { randomInt } from 'node:crypto';
import type { Cluster, Redis as RedisNode } from 'ioredis';
import type { Logger } from '../../log.js';
import type { QueueReading } from '../../orders/ports.js';
import { createOrderQueue } from './order-queue.js';

type Redis = RedisNode | Cluster;

/** One queue shard: BullMQ's prefix (on a Redis Cluster, its own hash tag) and the queue's name. */
export interface QueueShard {
  readonly prefix: string;
  readonly name: string;
}

type OrderQueueShard = ReturnType<typeof createOrderQueue>;

export type ShardedQueue = Omit<OrderQueueShard, 'readShard' | 'clearIdleBacklog' | 'reportTakenUp'> & {
  /** What admission control reads, across every shard (see readAdmission). */
  readAdmission(): Promise<QueueReading>;
  /** Counts orders a worker took up from shard `shard` (its index) out of that shard's backlog. */
  reportTakenUp(shard: number, count: number): Promise<void>;
};

/**
 * The order queue over several BullMQ queues (QUEUE_SHARDS), each under its own hash tag on a
 * Redis Cluster, so that no queue is one hot key on one node. The orders queued in one turn of the
 * event loop (a gateway's batch of submits, a slot's triggers) go to one shard, and the next turn's
 * to the next shard: a batch stays one job (BullMQ's cost is per job, so splitting a batch over
 * the shards would multiply it), and the shards take turns. Orders of one account may be
 * in different shards: the engine promises no order between orders (they run concurrently
 * anyway), only the order of each order's own events. Reads that span the queue ask every shard:
 * each shard keeps its own admission counters (an order is counted in and out where it is queued,
 * so no key is counted by every gateway and worker), and the reading sums them; the oldest wait is
 * the longest of any, job counts are summed, and an order is queued if any shard holds it. With one
 * shard this is the plain queue.
 */
export function createShardedQueue(options: { connection: Redis; shards: readonly QueueShard[]; log: Logger }): ShardedQueue {
  const queues = options.shards.map((shard) => createOrderQueue({ connection: options.connection, prefix: shard.prefix, name: shard.name, log: options.log }));
  /**
   * The backlog and the taken-up count summed over the shards, and the oldest wait of any. A
   * shard's backlog read while it has no job waiting or running is cleared (unless it moved
   * meanwhile): what was counted in and never out cannot build up.
   */
  const readAdmission = async (): Promise<QueueReading> => {
    const shards = await Promise.all(queues.map((queue) => queue.readShard()));
    await Promise.all(shards.map((shard, i) => (shard.backlog > 0 && shard.jobs === 0 ? queues[i]!.clearIdleBacklog(shard.backlog) : undefined)));
    const sum = (of: (shard: (typeof shards)[number]) => number) => shards.reduce((total, shard) => total + of(shard), 0);
    return { backlog: sum((shard) => shard.backlog), takenUp: sum((shard) => shard.takenUp), oldestQueuedMs: Math.max(...shards.map((shard) => shard.oldestQueuedMs)) };
  };
  const reportTakenUp = (shard: number, count: number) => queues[shard]!.reportTakenUp(count);
  if (queues.length === 1) return { ...queues[0]!, readAdmission, reportTakenUp };
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
    reportTakenUp,

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
