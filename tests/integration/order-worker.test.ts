import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startOrderWorker } from '../../src/adapters/bullmq/order-worker.js';
import { ChainUnavailableError } from '../../src/chain/types.js';
import type { Order } from '../../src/orders/order.js';

const log = pino({ level: 'silent' });
const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 20))) if (await check()) return;
  throw new Error('timed out waiting');
};

describe('order worker on BullMQ', () => {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `worker-test-${randomUUID()}`;
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A processOrder that records each call and holds every order until `release()`. */
  function gatedProcessor() {
    const calls: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const processOrder = async (orderId: string) => {
      calls.push(orderId);
      await gate;
      return { id: orderId, status: 'confirmed' } as Order;
    };
    return { calls, processOrder, release: () => open() };
  }

  function start(name: string, concurrency: number, processOrder: (orderId: string) => Promise<Order>) {
    const worker = startOrderWorker({ connection: connection.duplicate(), prefix, name, concurrency, processOrder, log });
    closers.push(() => worker.close(5_000));
    return worker;
  }

  it('on close, puts the orders of a job it has not started back in the queue, and keeps the finished ones done', async () => {
    const queue = new Queue('closing', { connection, prefix });
    closers.push(() => queue.close());
    const orderIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await queue.add('execute', { orderIds }, { removeOnComplete: true });
    const first = gatedProcessor();
    const worker = startOrderWorker({ connection: connection.duplicate(), prefix, name: 'closing', concurrency: 2, processOrder: first.processOrder, log });

    await until(() => first.calls.length === 2);
    const closed = worker.close(5_000);
    setTimeout(first.release, 200);
    await closed;
    expect(first.calls).toEqual(orderIds.slice(0, 2));

    const second = gatedProcessor();
    second.release();
    start('closing', 2, second.processOrder);
    await until(() => second.calls.length === 2);
    expect(second.calls.sort()).toEqual(orderIds.slice(2).sort());
    await until(async () => (await queue.getJobCounts('waiting', 'active', 'delayed')).active === 0);
  });

  it('counts each order of a job out of the admission backlog once, though the job runs again while the chain is down', async () => {
    const queue = new Queue('chain-down', { connection, prefix });
    closers.push(() => queue.close());
    const orderIds = [randomUUID(), randomUUID(), randomUUID()];
    const runs = new Map<string, number>();
    // Each order finds the chain down on its first run, so the whole job is put back and runs again.
    const processOrder = async (orderId: string) => {
      const run = (runs.get(orderId) ?? 0) + 1;
      runs.set(orderId, run);
      if (run === 1) throw new ChainUnavailableError('no slot for a while');
      return { id: orderId, status: 'confirmed' } as Order;
    };
    let takenUp = 0;
    const worker = startOrderWorker({ connection: connection.duplicate(), prefix, name: 'chain-down', concurrency: 10, processOrder, onTakenUp: () => (takenUp += 1), log });
    closers.push(() => worker.close(5_000));
    await queue.add('execute', { orderIds }, { removeOnComplete: true });

    await until(() => orderIds.every((orderId) => runs.get(orderId) === 2));
    await until(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
      return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0;
    });
    expect(takenUp).toBe(orderIds.length);
  });
});
