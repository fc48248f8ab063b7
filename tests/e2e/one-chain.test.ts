import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/test-database.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { ask, connectClient, type Client, type Message } from '../helpers/ws-client.js';

type Engine = Awaited<ReturnType<typeof spawnEngine>>;
type Quote = { dex: string; price: string };
type Ticker = Message & { slot: number; venues: Array<{ dex: string; mid: string }> };

const PAIR = 'SOL/USDC';
const TERMINAL = ['confirmed', 'failed', 'cancelled'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const bpsApart = (a: number, b: number) => (Math.abs(a - b) / b) * 10_000;
const midOf = (ticker: Ticker, dex: string) => Number(ticker.venues.find((v) => v.dex === dex)!.mid);

describe('one chain shared by two workers, a gateway and a restart', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: postgres.Sql;
  let env: Record<string, string>;
  let chain: Engine;
  let workers: Engine[];
  let gateway: Engine;
  let client: Client;
  const extra: Engine[] = [];

  const tickers = () => client.messages.filter((m): m is Ticker => m.type === 'ticker' && m.pair === PAIR);
  const nextTicker = (afterSlot: number, timeoutMs = 10_000) =>
    client.waitFor((m) => m.type === 'ticker' && m.pair === PAIR && (m.slot as number) > afterSlot, timeoutMs) as Promise<Ticker>;
  /** Which worker process ran the order: the one whose log confirmed it. */
  const workerOf = (orderId: string) => workers.findIndex((w) => w.output.split('\n').some((l) => l.includes(orderId) && l.includes('"msg":"confirmed"')));

  /**
   * Submits `count` buys, one every `gapMs`: orders submitted in the same turn of the event loop
   * travel in one queue job, and a job runs on one worker, so spacing them lets both workers take some.
   */
  async function submitBuys(count: number, amount: string, { slippageBps = 300, gapMs = 40 } = {}): Promise<string[]> {
    const tag = randomBytes(3).toString('hex');
    for (let i = 0; i < count; i++) {
      if (i > 0) await sleep(gapMs);
      client.send({ op: 'submit', reqId: `${tag}-${i}`, type: 'market', side: 'buy', pair: PAIR, amount, slippageBps });
    }
    const acks = await Promise.all(Array.from({ length: count }, (_, i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `${tag}-${i}`)));
    return acks.map((ack) => ack.orderId as string);
  }

  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseUrl'));
    sql = postgres(database.url, { max: 2, onnotice: () => undefined });
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `one-chain-${randomBytes(4).toString('hex')}`,
      PORT: '0',
      AUTH: 'off', // this test is about the shared market; auth has its own tests
      // Arbitrageurs trade the pools back a good part of the way every slot: at the default 400 ms a
      // fill's mark on the price outlasts the few slots the other worker may take to pick up an order.
      CHAIN_SLOT_MS: '400',
      MOCK_QUOTE_LATENCY_MS: '20',
      MOCK_EXEC_LATENCY_MS: '1500',
      MOCK_FAILURE_RATE: '0',
    };
    chain = await spawnEngine({ ...env, ROLE: 'chain' }); // first, so it alone runs the migrations before the rest start
    [gateway, ...workers] = await Promise.all([
      spawnEngine({ ...env, ROLE: 'gateway' }),
      spawnEngine({ ...env, ROLE: 'worker' }),
      spawnEngine({ ...env, ROLE: 'worker' }),
    ]);
    client = await connectClient(`ws://127.0.0.1:${gateway.port}/ws`);
    client.send({ op: 'subscribe', reqId: 'ticker', channel: 'ticker', pair: PAIR });
    await client.waitFor((m) => m.reqId === 'ticker' && m.type === 'subscribed');
    await nextTicker(0);
  });
  afterAll(async () => {
    await client?.close();
    await Promise.all([gateway, ...(workers ?? []), chain, ...extra].map((engine) => engine?.stop('SIGKILL')));
    await sql?.end();
    await database?.drop();
  });

  it('has both workers price an order exactly as the gateway quotes the same slot of the one chain', async () => {
    // The gateway's quote for the same size, asked every 20 ms, so every slot is seen: slot → quotes.
    const gatewayQuotes: Array<{ slot: number; quotes: Quote[] }> = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const reply = await ask(client, { op: 'quote', pair: PAIR, side: 'buy', amount: '20' });
        if (reply.type === 'quote') gatewayQuotes.push({ slot: reply.slot as number, quotes: reply.quotes as Quote[] });
        await sleep(20);
      }
    })();

    // 20 SOL each, in two waves: the first wave's fills (run by both workers) move the shared pools,
    // so in the second wave a worker with a market of its own, seeing only its own fills, would
    // quote from pools the chain never published, and match no quote of the gateway's.
    const settled: Message[][] = [];
    try {
      for (let wave = 0; wave < 2; wave++) {
        const ids = await submitBuys(12, '20');
        settled.push(...(await Promise.all(ids.map((id) => client.settle(id, 30_000)))));
      }
    } finally {
      polling = false;
      await poller;
    }
    expect(settled.map((updates) => updates.at(-1)!.status)).toEqual(settled.map(() => 'confirmed'));
    const ran = settled.map((updates) => workerOf(updates[0]!.orderId as string));
    expect(ran).not.toContain(-1);
    expect(new Set(ran)).toEqual(new Set([0, 1])); // both workers executed some of them

    const pricedAt = new Map<number, Set<number>>(); // slot → the workers that priced an order from it
    settled.forEach((updates, i) => {
      const quotes = updates.find((u) => u.status === 'building')!.quotes as Quote[];
      expect(quotes.length).toBeGreaterThan(0);
      // Every field equal, to the last digit, to what the gateway quoted from some slot.
      const same = gatewayQuotes.filter((g) => JSON.stringify(g.quotes) === JSON.stringify(quotes));
      expect(same.length, `order ${updates[0]!.orderId} on worker ${ran[i]} quoted ${JSON.stringify(quotes)}`).toBeGreaterThan(0);
      for (const slot of new Set(same.map((g) => g.slot))) pricedAt.set(slot, new Set([...(pricedAt.get(slot) ?? []), ran[i]!]));
    });
    // And the two workers met in at least one slot: same slot, same quotes.
    expect([...pricedAt.values()].some((workersOfSlot) => workersOfSlot.size === 2), 'no slot was priced by both workers').toBe(true);
    // The fills moved the market over the test: the gateway's quotes were not all the same.
    expect(new Set(gatewayQuotes.map((g) => JSON.stringify(g.quotes))).size).toBeGreaterThan(5);
  }, 60_000);

  it('lets a large fill through one worker move the price the other worker quotes next', async () => {
    const bestOf = (quotes: Quote[]) => Math.min(...quotes.map((q) => Number(q.price)));
    const before = await ask(client, { op: 'quote', pair: PAIR, side: 'buy', amount: '1' });
    const beforeBest = bestOf(before.quotes as Quote[]);
    const beforeTicker = await nextTicker(before.slot as number);

    const [big] = await submitBuys(1, '2000', { slippageBps: 500 });
    await client.waitFor((m) => m.orderId === big && m.status === 'submitted', 15_000);
    // Small buys every 50 ms from before the big one lands until 1.5 s after: the queue hands some
    // of them to the other worker, a few slots after the landing (before arbitrage undoes much of it).
    const small: string[] = [];
    let confirmedTs: number | null = null;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (confirmedTs === null || Date.now() < confirmedTs + 1_500)) {
      small.push(...(await submitBuys(1, '1')));
      await sleep(50);
      const last = client.updatesOf(big!).at(-1)!;
      if (last.status !== 'submitted') confirmedTs ??= last.ts as number; // the engine's clock: same host
    }
    const bigUpdates = await client.settle(big!, 5_000);
    expect(bigUpdates.at(-1)!.status).toBe('confirmed');
    const bigWorker = workerOf(big!);
    expect(bigWorker).toBeGreaterThanOrEqual(0);

    // The ticker shows the moved pools in the slot the fill landed in (or a later one).
    const afterTicker = tickers().filter((t) => (t.ts as number) <= confirmedTs!).at(-1)!;
    expect(afterTicker.slot).toBeGreaterThan(beforeTicker.slot);
    const legs = new Set((bigUpdates.find((u) => u.status === 'building')!.route as Array<{ dex: string }>).map((leg) => leg.dex));
    expect(legs.size).toBeGreaterThan(0);
    for (const dex of legs) {
      expect(midOf(afterTicker, dex), dex).toBeGreaterThan(midOf(beforeTicker, dex));
      expect(bpsApart(midOf(afterTicker, dex), midOf(beforeTicker, dex)), dex).toBeGreaterThan(30);
    }

    // The other worker's first order routed after the landing pays the moved price.
    const settled = await Promise.all(small.map((id) => client.settle(id, 30_000)));
    const routedAfter = settled.filter((updates) => {
      const routing = updates.find((u) => u.status === 'routing')!;
      return workerOf(updates[0]!.orderId as string) === 1 - bigWorker && (routing.ts as number) > confirmedTs!;
    });
    expect(routedAfter.length, 'no small buy was routed on the other worker after the landing').toBeGreaterThan(0);
    const building = routedAfter[0]!.find((u) => u.status === 'building')!;
    expect(bestOf(building.quotes as Quote[])).toBeGreaterThan(beforeBest * 1.003);
  }, 60_000);

  it('loses no order and lands none twice when the chain is killed and restarted mid-flight', async () => {
    const ids = await submitBuys(20, '1', { gapMs: 20 });
    await Promise.all(ids.map((id) => client.waitFor((m) => m.orderId === id && m.status === 'submitted', 20_000)));
    const slotBefore = tickers().at(-1)!.slot;
    expect(await chain.stop('SIGKILL')).toBe(null); // killed, no goodbye
    // In flight: sent, and (landing 1.5 s after the send) most still to land.
    const unlanded = ids.filter((id) => client.updatesOf(id).at(-1)!.status === 'submitted');
    expect(unlanded.length).toBeGreaterThanOrEqual(10);
    await sleep(2_500); // down past the landings due and past the slot staleness bound
    const restarted = await spawnEngine({ ...env, ROLE: 'chain' });
    extra.push(restarted);

    const settled = await Promise.all(ids.map((id) => client.settle(id, 45_000)));
    for (const updates of settled) {
      expect(updates.map((u) => u.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
      expect(updates.filter((u) => TERMINAL.includes(u.status as string))).toHaveLength(1);
    }
    const rows = await sql<Array<{ id: string; status: string; tx_hash: string | null; attempts: number }>>`
      select id, status, tx_hash, attempts from orders where id = any(${ids}::uuid[])`;
    expect(rows).toHaveLength(20);
    expect(rows.every((row) => row.status === 'confirmed' && row.tx_hash !== null && row.attempts === 1)).toBe(true);
    expect(new Set(rows.map((row) => row.tx_hash)).size).toBe(20);
    // Each order's confirmed event carries the tx_hash stored for it: one transaction landed per order.
    for (const updates of settled) {
      const row = rows.find((r) => r.id === updates[0]!.orderId)!;
      expect(updates.at(-1)!.txHash).toBe(row.tx_hash);
    }

    // The chain kept every transaction it had received: no worker had to send one again.
    for (const worker of workers) expect(worker.output).not.toMatch(/sending it again|"msg":"send failed"/);

    // The restarted chain resumed from its committed slot, not from genesis.
    const resumedAt = Number(/"slot":(\d+),"resumed":true,"msg":"chain resumed from its last slot"/.exec(restarted.output)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(slotBefore);
    const after = await nextTicker(slotBefore, 15_000);
    expect(after.slot).toBeGreaterThan(slotBefore);
    const slots = tickers().map((t) => t.slot);
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
    expect(new Set(slots).size).toBe(slots.length);
  }, 60_000);
});
