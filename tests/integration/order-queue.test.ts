import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createOrderQueue, jobOrderIds } from '../../src/adapters/bullmq/order-queue.js';
import { createShardedQueue } from '../../src/adapters/bullmq/sharded-queue.js';
import { redisKeys } from '../../src/roles/infrastructure.js';

const log = pino({ level: 'silent' });

describe('order queue on BullMQ', () => {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `queue-test-${randomUUID()}`;
  const queue = createOrderQueue({ connection, prefix, name: 'orders', log });
  const inspect = new Queue('orders', { connection, prefix });

  afterAll(async () => {
    await queue.close();
    await inspect.close();
    connection.disconnect();
  });

  it('puts orders queued together in one job, and finds which orders some job carries', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all(ids.map((id) => queue.enqueue(id)));
    const jobs = await inspect.getJobs(['waiting']);
    expect(jobs.map((job) => jobOrderIds(job.data))).toEqual([ids]);

    const stray = randomUUID();
    expect(await queue.queuedAmong([ids[2]!, stray, ids[0]!])).toEqual(new Set([ids[2], ids[0]]));
    // A delayed job (put back after a fault) still counts as queued.
    const later = randomUUID();
    await inspect.add('execute', { orderIds: [later] }, { delay: 60_000 });
    expect(await queue.queuedAmong([later, stray])).toEqual(new Set([later]));
  });

  it('reads jobs queued by earlier versions, which carried one orderId', () => {
    const id = randomUUID();
    expect(jobOrderIds({ orderId: id })).toEqual([id]);
    expect(jobOrderIds({ orderIds: [id] })).toEqual([id]);
    expect(jobOrderIds(null)).toEqual([]);
  });
});

describe('admission counters on a sharded queue', () => {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const shards = redisKeys(`counters-test-${randomUUID()}`, { shards: 3 }).queues;
  const queue = createShardedQueue({ connection, shards, log });
  const inspect = shards.map((shard) => new Queue(shard.name, { connection, prefix: shard.prefix }));
  const backlogOf = async (i: number) => Number(await connection.get(`${shards[i]!.prefix}:${shards[i]!.name}:backlog`));
  const takenUpOf = async (i: number) => Number(await connection.get(`${shards[i]!.prefix}:${shards[i]!.name}:taken-up`));

  afterAll(async () => {
    await queue.close();
    await Promise.all(inspect.map((q) => q.close()));
    connection.disconnect();
  });

  it('counts each order into the backlog of the shard its job is on, out of the shard it was taken up from, and sums the shards', async () => {
    // Five turns of one to five orders: each turn's orders are one job on the next shard.
    for (let turn = 1; turn <= 5; turn++) await Promise.all(Array.from({ length: turn }, () => queue.enqueue(randomUUID())));
    const queued = await Promise.all(inspect.map(async (q) => (await q.getJobs(['waiting'])).reduce((sum, job) => sum + jobOrderIds(job.data).length, 0)));
    expect(queued.reduce((sum, n) => sum + n, 0)).toBe(15);
    expect(queued.filter((n) => n > 0)).toHaveLength(3);
    for (const [i, n] of queued.entries()) expect(await backlogOf(i)).toBe(n);
    expect(await queue.readAdmission()).toMatchObject({ backlog: 15, takenUp: 0 });

    await queue.reportTakenUp(1, 2);
    expect([await backlogOf(0), await backlogOf(1), await backlogOf(2)]).toEqual([queued[0], queued[1]! - 2, queued[2]]);
    expect([await takenUpOf(0), await takenUpOf(1), await takenUpOf(2)]).toEqual([0, 2, 0]);
    expect(await queue.readAdmission()).toMatchObject({ backlog: 13, takenUp: 2 });

    // A shard seen with no job waiting or running has its backlog cleared; the others keep theirs.
    // (The reading that sees it idle still counts it; the next one does not.)
    await inspect[2]!.drain();
    await queue.readAdmission();
    expect(await queue.readAdmission()).toMatchObject({ backlog: queued[0]! + queued[1]! - 2, takenUp: 2 });
    expect(await backlogOf(2)).toBe(0);
    expect(await backlogOf(0)).toBe(queued[0]);
  });
});
