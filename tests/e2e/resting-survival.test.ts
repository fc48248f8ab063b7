import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/test-database.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { ask, connectClient, type Client } from '../helpers/ws-client.js';

type Engine = Awaited<ReturnType<typeof spawnEngine>>;

const ORDERS = 1_000;
const GTD = 200;
const AMENDED = 200;

/** Waits until `check` holds, looking every 200 ms, for at most `timeoutMs`. */
async function until<T>(look: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await look();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await look();
  }
  return value;
}

describe('resting orders across kill -9 of every process', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('keeps 1,000 resting orders through a SIGKILL of every process, then of the trigger holder; each trigger follows a rest, one transaction each, the rest still rest', async () => {
    const database = await createTestDatabase(inject('databaseUrl'));
    cleanups.push(() => database.drop());
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `rest-${randomBytes(4).toString('hex')}`,
      PORT: '0',
      AUTH: 'off',
      LOG_LEVEL: 'info',
      MOCK_QUOTE_LATENCY_MS: '0',
      MOCK_EXEC_LATENCY_MS: '0-100',
      MAX_OPEN_ORDERS_PER_ACCOUNT: '100000',
      RATE_LIMIT_MESSAGES_PER_CONNECTION: '100000',
      RATE_LIMIT_MESSAGES_PER_ACCOUNT: '100000',
      RATE_LIMIT_SUBMITS_PER_CONNECTION: '100000',
      RATE_LIMIT_SUBMITS_PER_ACCOUNT: '100000',
    };
    const running = new Set<Engine>();
    const start = async (role: string) => {
      const engine = await spawnEngine({ ...env, ROLE: role });
      running.add(engine);
      cleanups.push(() => engine.stop('SIGKILL'));
      return engine;
    };
    const startAll = async () => {
      await start('chain');
      const workers = [await start('worker'), await start('worker')];
      return { workers, gateway: await start('gateway') };
    };
    const sql = postgres(database.url, { max: 2, onnotice: () => undefined });
    cleanups.push(() => sql.end());

    let { gateway, workers } = await startAll();
    let client: Client = await connectClient(`ws://127.0.0.1:${gateway.port}/ws`);
    cleanups.push(() => client.close());
    // The gateway may not have seen a slot yet: quotes are refused (retryably) until it has.
    const quote = await until(() => ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '1' }), (reply) => reply.type === 'quote', 10_000);
    const price = Number((quote.quotes as Array<{ price: string }>)[0]!.price);
    // Buys far under the market: they rest. The first GTD ones expire some seconds after the restart.
    const expireAt = Date.now() + 40_000;
    for (let i = 0; i < ORDERS; i++) {
      const gtd = i < GTD;
      client.send({
        op: 'submit',
        reqId: `r${i}`,
        clientOrderId: `rest-${i}`,
        type: 'limit',
        side: 'buy',
        pair: 'SOL/USDC',
        amount: '0.1',
        limitPrice: (price * (0.5 + i * 0.0001)).toFixed(4),
        ...(gtd && { timeInForce: 'GTD', expireAt }),
      });
    }
    const open = await until(
      async () => (await sql<{ n: number }[]>`select count(*)::int as n from orders where status = 'open'`)[0]!.n,
      (n) => n === ORDERS,
      30_000,
    );
    expect(open).toBe(ORDERS);

    // Every process dies at once, with no goodbye.
    await Promise.all([...running].map((engine) => engine.stop('SIGKILL')));
    running.clear();
    await client.close();
    ({ gateway, workers } = await startAll());
    client = await connectClient(`ws://127.0.0.1:${gateway.port}/ws`);
    const resting = await sql<{ n: number }[]>`select count(*)::int as n from orders where resting_pair is not null`;
    expect(resting[0]!.n).toBe(ORDERS);

    // The market comes to some of them: amended to a price the market already offers, they trigger once.
    const amendedIds: string[] = [];
    for (let i = ORDERS - AMENDED; i < ORDERS; i++) {
      const reply = await ask(client, { op: 'amend', clientOrderId: `rest-${i}`, limitPrice: (price * 1.1).toFixed(4) });
      expect(reply.type).toBe('amended');
      amendedIds.push(reply.orderId as string);
    }
    // And the worker that evaluates them dies too, with its triggers in flight: the other takes over its lease.
    const leader = await until(
      async () => workers.find((worker) => worker.output.includes('evaluating resting orders')),
      (found) => found !== undefined,
      10_000,
    );
    expect(leader).toBeDefined();
    await leader!.stop('SIGKILL');
    const done = await until(
      async () => (await sql<{ n: number }[]>`select count(*)::int as n from orders where id = any(${amendedIds}::uuid[]) and status = 'confirmed'`)[0]!.n,
      (n) => n === AMENDED,
      90_000,
    );
    expect(done).toBe(AMENDED);
    const expired = await until(
      async () => (await sql<{ n: number }[]>`select count(*)::int as n from orders where status = 'expired' and failure_code = 'EXPIRED'`)[0]!.n,
      (n) => n === GTD,
      60_000,
    );
    expect(expired).toBe(GTD);

    // Each order triggered at most once per time it rested: every routing event follows an `open`
    // event, and no `open` event (placed, amended, or reopened after a trigger that could not fill
    // in time on a slow machine) is followed by two. Only the amended orders triggered at all.
    const history = await sql<{ order_id: string; seq: number; status: string; reason: string | null }[]>`
      select order_id, seq, status, payload->>'reason' as reason from order_events where order_id = any(${amendedIds}::uuid[]) order by order_id, seq`;
    const wrong: string[] = [];
    const submitted = new Map<string, number>();
    for (const [i, event] of history.entries()) {
      const before = history[i - 1]?.order_id === event.order_id ? history[i - 1] : undefined;
      if (event.status === 'routing' && before?.status !== 'open') wrong.push(`${event.order_id}: routing at seq ${event.seq} after ${before?.status}`);
      // After the amend, an order rests again only as `reopened` (its trigger could not fill in time), never after it was sent.
      if (event.status === 'open' && before && before.status !== 'pending' && before.status !== 'open' && event.reason !== 'reopened') wrong.push(`${event.order_id}: open (${event.reason}) after ${before.status}`);
      if (event.status === 'open' && before?.status === 'submitted') wrong.push(`${event.order_id}: open again after its transaction was sent`);
      if (event.status === 'submitted') submitted.set(event.order_id, (submitted.get(event.order_id) ?? 0) + 1);
    }
    expect(wrong).toEqual([]);
    // One transaction sent per order, however often it triggered.
    expect([...submitted.values()].every((n) => n === 1)).toBe(true);
    expect(submitted.size).toBe(AMENDED);
    const routed = await sql<{ order_id: string }[]>`select distinct order_id from order_events where status = 'routing'`;
    expect(routed.map((row) => row.order_id).sort()).toEqual([...amendedIds].sort());
    const byStatus = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from orders group by status order by status`;
    expect(Object.fromEntries(byStatus.map((row) => [row.status, row.n]))).toEqual({ confirmed: AMENDED, expired: GTD, open: ORDERS - AMENDED - GTD });
    // One transaction per confirmed order, and one expired event per expired order.
    const events = await sql<{ n: number }[]>`select count(*)::int as n from order_events where status in ('confirmed', 'expired')`;
    expect(events[0]!.n).toBe(AMENDED + GTD);
  }, 240_000);
});
