import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type EngineFixture } from '../helpers/engine-fixture.js';
import { ask, type Message } from '../helpers/ws-client.js';

describe('admission control beyond capacity', () => {
  let fixture: EngineFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('refuses with OVERLOADED what it cannot start in time, keeps answering other requests, and ends every acked order within its bound', async () => {
    // A deliberately small capacity: two orders at a time, each quote taking 300 ms (a few orders a second).
    fixture = await openEngine({ env: { WORKER_CONCURRENCY: '2', MOCK_QUOTE_LATENCY_MS: '300', MOCK_EXEC_LATENCY_MS: '0' } });
    const { client } = fixture;
    const offered = 150;
    const deadlineMs = 2_000;
    // 50 orders a second for three seconds: ten times what it can take.
    for (let i = 0; i < offered; i++) {
      client.send({ op: 'submit', reqId: `o${i}`, type: 'market', side: i % 2 ? 'buy' : 'sell', pair: 'SOL/USDC', amount: '0.1', deadlineMs });
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Requests that are not submits are answered all the while.
    expect(await ask(client, { op: 'ping' })).toMatchObject({ type: 'pong' });
    expect(await ask(client, { op: 'list', limit: 1 })).toMatchObject({ type: 'orders' });
    const replies = await Promise.all(Array.from({ length: offered }, (_, i) => client.waitFor((m) => m.reqId === `o${i}` && (m.type === 'ack' || m.type === 'error'), 20_000)));
    const acks = replies.filter((m) => m.type === 'ack');
    const refused = replies.filter((m) => m.type === 'error');
    expect(refused.length).toBeGreaterThan(0);
    expect(acks.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'OVERLOADED', retryable: true });
      expect(error.retryAfterMs as number).toBeGreaterThanOrEqual(250);
    }
    // Nothing lost: every acked order ends; one that confirmed was sent within its deadline of the ack.
    const ends: Message[] = [];
    for (const ack of acks) {
      const updates = await client.settle(ack.orderId as string, 30_000);
      const end = updates.at(-1)!;
      ends.push(end);
      expect(['confirmed', 'expired']).toContain(end.status);
      const submitted = updates.find((u) => u.status === 'submitted');
      if (submitted) expect((submitted.ts as number) - (ack.ts as number)).toBeLessThanOrEqual(deadlineMs + 50);
    }
    // Admission kept most acked orders in time: far fewer expire than were refused.
    const expired = ends.filter((end) => end.status === 'expired').length;
    expect(expired).toBeLessThan(refused.length);
  }, 90_000);
});
