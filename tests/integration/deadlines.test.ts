import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type EngineFixture } from '../helpers/engine-fixture.js';

describe('market order deadlines', () => {
  let fixture: EngineFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('expires the orders a slow, tiny worker pool cannot send in time, and sends none of them late', async () => {
    // One order at a time, each quote taking 300 ms: of twelve orders with a 1 s deadline, only
    // the first few can be sent in time.
    fixture = await openEngine({ env: { WORKER_CONCURRENCY: '1', MOCK_QUOTE_LATENCY_MS: '300', MOCK_EXEC_LATENCY_MS: '0' } });
    const { client, sql } = fixture;
    for (let i = 0; i < 12; i++) {
      client.send({ op: 'submit', reqId: `d${i}`, clientOrderId: `deadline-${i}`, type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', deadlineMs: 1_000 });
    }
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `d${i}`)));
    const histories = await Promise.all(acks.map((ack) => client.settle(ack.orderId as string, 30_000)));
    const ends = histories.map((updates) => updates.at(-1)!);
    const expired = ends.filter((end) => end.status === 'expired');
    const confirmed = ends.filter((end) => end.status === 'confirmed');
    expect(expired.length).toBeGreaterThan(0);
    expect(confirmed.length).toBeGreaterThan(0);
    expect(expired.length + confirmed.length).toBe(12);
    for (const end of expired) expect(end).toMatchObject({ error: { code: 'DEADLINE_EXCEEDED' } });
    // An expired order was never sent: no submitted event, no transaction on its row.
    for (const [i, updates] of histories.entries()) {
      if (ends[i]!.status !== 'expired') continue;
      expect(updates.map((u) => u.status)).not.toContain('submitted');
    }
    const rows = await sql`select status, tx_hash, failure_code from orders where status = 'expired'`;
    expect(rows).toHaveLength(expired.length);
    // A confirmed order was sent within its deadline of its ack.
    for (const [i, updates] of histories.entries()) {
      const submitted = updates.find((u) => u.status === 'submitted');
      if (submitted) expect((submitted.ts as number) - (acks[i]!.ts as number)).toBeLessThanOrEqual(1_000 + 50);
    }
  });

  it('expires a queued order on time, while no worker is free to take it up', async () => {
    // The one worker is busy with a slow order for 4 s; the next order's deadline is 500 ms.
    fixture = await openEngine({ env: { WORKER_CONCURRENCY: '1', MOCK_QUOTE_LATENCY_MS: '4000', MOCK_EXEC_LATENCY_MS: '0' } });
    const { client } = fixture;
    client.send({ op: 'submit', reqId: 'slow', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    const slow = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'slow');
    await client.waitFor((m) => m.type === 'order' && m.orderId === slow.orderId && m.status === 'routing');
    client.send({ op: 'submit', reqId: 'quick', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', deadlineMs: 500 });
    const quick = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'quick');
    const expired = await client.waitFor((m) => m.type === 'order' && m.orderId === quick.orderId && m.status === 'expired', 10_000);
    expect(expired).toMatchObject({ seq: 2, error: { code: 'DEADLINE_EXCEEDED', message: expect.stringContaining('no worker took it up') } });
    // On time, not when the worker got free (at about 4 s): the sweep looks once a second.
    expect((expired.ts as number) - (quick.ts as number)).toBeLessThan(3_000);
    expect(client.updatesOf(slow.orderId as string).at(-1)!.status).not.toBe('confirmed');
    expect((await client.settle(slow.orderId as string)).at(-1)!.status).toBe('confirmed');
  });

  it('expires on time an order a worker holds while its one slot is busy', async () => {
    // Sent in one turn, the two orders travel in one job: the worker holds the quick one, waiting
    // for its slot, while the slow one quotes for 4 s. Nothing waits in the queue meanwhile.
    fixture = await openEngine({ env: { WORKER_CONCURRENCY: '1', MOCK_QUOTE_LATENCY_MS: '4000', MOCK_EXEC_LATENCY_MS: '0' } });
    const { client } = fixture;
    client.send({ op: 'submit', reqId: 'slow', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    client.send({ op: 'submit', reqId: 'quick', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', deadlineMs: 500 });
    const slow = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'slow');
    const quick = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'quick');
    const expired = await client.waitFor((m) => m.type === 'order' && m.orderId === quick.orderId && m.status === 'expired', 15_000);
    expect(expired).toMatchObject({ seq: 2, error: { code: 'DEADLINE_EXCEEDED' } });
    // On time (the sweep looks once a second while the backlog does not drain), not when the slot came free (about 4 s).
    expect((expired.ts as number) - (quick.ts as number)).toBeLessThan(3_000);
    expect((await client.settle(slow.orderId as string)).at(-1)!.status).toBe('confirmed');
  });
});
