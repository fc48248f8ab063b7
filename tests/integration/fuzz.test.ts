import fc from 'fast-check';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../src/protocol/decode.js';
import { useEngine } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/test-engine.js';
import { connectClient, type Client } from '../helpers/ws-client.js';

const valid = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 50 };
const hostile = fc.oneof(
  fc.constant(Number.NaN),
  fc.constant(1e308),
  fc.constant(-0),
  fc.constant('1e308'),
  fc.constant('0.' + '1'.repeat(40)),
  fc.constant('NaN'),
  fc.constant('Infinity'),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant('__proto__'),
  fc.constant('constructor'),
  fc.constant('\u0000\u202e'),
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 5 }),
);

/** A valid submit with one field replaced, removed, or one added. */
const mutated = fc
  .tuple(fc.constantFrom(...Object.keys(valid), 'extra', '__proto__', 'reqId', 'clientOrderId'), hostile, fc.boolean())
  .map(([key, value, remove]) => {
    const copy: Record<string, unknown> = { ...valid };
    if (remove) delete copy[key];
    else Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return JSON.stringify(copy);
  });

const nested = fc.integer({ min: 1, max: 3000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const message = fc.oneof(
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: fc.constantFrom('{"op":"submit"', '{}', '{"op":"list","limit":1e999}', '{"op":"get","orderId":"../../etc"}', '{"op":"subscribe","orderId":"00000000-0000-4000-8000-000000000000","fromSeq":-1}') },
);

describe('fuzzing a live server', () => {
  let app: TestEngine;
  let client: Client;
  let sql: postgres.Sql;
  useEngine({ sqlMax: 1 }, (fixture) => ({ app, client, sql } = fixture));

  it('answers thousands of random and mutated messages one by one, creates no order from invalid input, and stays up with bounded memory', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let acks = 0;
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        sent += 1;
        const reqId = `fz${sent}`;
        const start = client.messages.length;
        const decoded = decodeClientMessage(text);
        client.send(text);
        // A refused message is answered at once, so a ping sent behind it is answered after it; a
        // valid one may take a database round trip, so wait for its own reply instead.
        if (decoded.ok) await client.waitFor((m) => client.messages.indexOf(m) >= start && m.type !== 'order', 5_000);
        client.send({ op: 'ping', reqId });
        await client.waitFor((m) => m.type === 'pong' && m.reqId === reqId, 5_000);
        const replies = client.messages.slice(start).filter((m) => !(m.type === 'pong' && m.reqId === reqId) && m.type !== 'order');
        if (!decoded.ok) {
          expect(replies.map((r) => [r.type, r.code])).toEqual([['error', decoded.error.code]]);
          expect(typeof replies[0]!.message).toBe('string');
        } else {
          expect(replies).toHaveLength(1);
          if (replies[0]!.type === 'ack' && !replies[0]!.duplicate) acks += 1;
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 3000, seed: 20261122 },
    );
    const [{ count } = { count: '' }] = await sql<{ count: string }[]>`select count(*) from orders`;
    expect(Number(count)).toBe(acks);
    expect((await fetch(`${app.httpUrl}/health`)).status).toBe(200);
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);

  it('survives binary frames and oversized frames: an error or a clean close, never a crash', async () => {
    const probe = await connectClient(app.wsUrl);
    probe.socket.send(Buffer.from([0, 159, 146, 150]), { binary: true });
    expect(await probe.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_MESSAGE' });
    probe.send('x'.repeat(20_000));
    expect((await probe.closed).code).toBe(1009);
    const after = await connectClient(app.wsUrl);
    after.send({ op: 'ping', reqId: 'alive' });
    await after.waitFor((m) => m.reqId === 'alive');
    await after.close();
  });
});
