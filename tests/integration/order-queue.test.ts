import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createOrderQueue, jobOrderIds } from '../../src/adapters/bullmq/order-queue.js';

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
