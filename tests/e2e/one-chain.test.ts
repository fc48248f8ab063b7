import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../helpers/test-database.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { ask, connectClient, type Client, type Message } from '../helpers/ws-client.js';

type Engine = Awaited<ReturnType<typeof spawnEngine>>;
type Quote = { dex: string; price: string; amountIn: string; amountOut: string; fee: string; priceImpactBps: number };
type Ticker = Message & { slot: number; venues: Array<{ dex: string; mid: string }> };

const PAIR = 'SOL/USDC';
const TERMINAL = ['confirmed', 'failed', 'cancelled'];

/** The pool mid a buy quote was computed from: its pre-fee price with the price impact taken out. */
function impliedBuyMid(quote: Quote): number {
  const preFeePrice = (Number(quote.amountIn) - Number(quote.fee)) / Number(quote.amountOut);
  return preFeePrice / (1 + quote.priceImpactBps / 10_000);
}

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

  async function submitBuys(count: number, amount: string, slippageBps = 300): Promise<string[]> {
    const tag = randomBytes(3).toString('hex');
    for (let i = 0; i < count; i++) client.send({ op: 'submit', reqId: `${tag}-${i}`, type: 'market', side: 'buy', pair: PAIR, amount, slippageBps });
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
      CHAIN_SLOT_MS: '100',
      MOCK_QUOTE_LATENCY_MS: '20',
      MOCK_EXEC_LATENCY_MS: '1500',
      MOCK_FAILURE_RATE: '0',
      WORKER_CONCURRENCY: '10', // 12 orders at once cannot all run on one worker
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

  it('prices every order, whichever worker runs it, from the pools of a slot the chain published', async () => {
    // 20 SOL each: every fill moves the shared pools a few bps, so a worker with a market of its own
    // (seeing only its own fills) would quote from pools the chain never published.
    const ids = await submitBuys(12, '20');
    const settled = await Promise.all(ids.map((id) => client.settle(id, 30_000)));
    expect(settled.map((updates) => updates.at(-1)!.status)).toEqual(ids.map(() => 'confirmed'));

    const ran = ids.map(workerOf);
    expect(ran).not.toContain(-1);
    expect(new Set(ran)).toEqual(new Set([0, 1])); // both workers executed some of them

    const published = tickers();
    for (const updates of settled) {
      const quotes = updates.find((u) => u.status === 'building')!.quotes as Quote[];
      expect(quotes.length).toBeGreaterThan(0);
      // One slot whose published mids match every venue the order was quoted on.
      const matching = published.filter((t) => quotes.every((q) => bpsApart(impliedBuyMid(q), midOf(t, q.dex)) < 0.1));
      const best = Math.min(...published.map((t) => Math.max(...quotes.map((q) => bpsApart(impliedBuyMid(q), midOf(t, q.dex))))));
      const spread = Math.max(...published.map((t) => midOf(t, 'raydium'))) / Math.min(...published.map((t) => midOf(t, 'raydium')));
      console.log('DBG1', updates[0]!.orderId, 'best', best.toFixed(4), 'matching', matching.length, 'of', published.length, 'spreadBps', ((spread - 1) * 1e4).toFixed(2), quotes.map((q) => q.dex + ':' + q.priceImpactBps));
      expect(matching.length, `order ${updates[0]!.orderId} quoted ${JSON.stringify(quotes)}`).toBeGreaterThan(0);
    }
  }, 60_000);

  it('lets a large fill through one worker move the price the other worker quotes next', async () => {
    const before = await ask(client, { op: 'quote', pair: PAIR, side: 'buy', amount: '1' });
    const beforeBest = Number((before.quotes as Quote[]).reduce((a, b) => (Number(a.price) < Number(b.price) ? a : b)).price);
    const beforeTicker = await nextTicker(before.slot as number);

    const [big] = await submitBuys(1, '2000', 500);
    const bigUpdates = await client.settle(big!, 30_000);
    expect(bigUpdates.at(-1)!.status).toBe('confirmed');
    const bigWorker = workerOf(big!);
    expect(bigWorker).toBeGreaterThanOrEqual(0);
    const landedAt = tickers().at(-1)!.slot;

    // The very next slot's pools, as the gateway quotes and the ticker shows them.
    const afterTicker = await nextTicker(landedAt);
    const after = await ask(client, { op: 'quote', pair: PAIR, side: 'buy', amount: '1' });
    const afterBest = Number((after.quotes as Quote[]).reduce((a, b) => (Number(a.price) < Number(b.price) ? a : b)).price);
    const legs = (bigUpdates.find((u) => u.status === 'building')!.quotes as Quote[]).map((q) => q.dex);
    for (const dex of new Set(legs)) expect(bpsApart(midOf(afterTicker, dex), midOf(beforeTicker, dex)), dex).toBeGreaterThan(20);
    for (const dex of new Set(legs)) expect(midOf(afterTicker, dex)).toBeGreaterThan(midOf(beforeTicker, dex));
    console.log('DBG2', beforeBest, afterBest, legs, beforeTicker.venues, afterTicker.venues, 'worker', bigWorker);
    expect(afterBest).toBeGreaterThan(beforeBest * 1.002);

    // Small buys right after, until one runs on the other worker: it pays the moved price.
    const other = 1 - bigWorker;
    let otherPrice: number | null = null;
    for (let round = 0; round < 5 && otherPrice === null; round++) {
      const ids = await submitBuys(4, '1');
      const settled = await Promise.all(ids.map((id) => client.settle(id, 30_000)));
      const byOther = settled.find((updates, i) => workerOf(ids[i]!) === other);
      if (byOther) {
        const building = byOther.find((u) => u.status === 'building')!;
        otherPrice = Number((building.quotes as Quote[]).find((q) => q.dex === building.dex)!.price);
      }
    }
    expect(otherPrice, 'no small buy ran on the other worker').not.toBeNull();
    console.log('DBG2b', otherPrice, beforeBest);
    expect(otherPrice!).toBeGreaterThan(beforeBest * 1.002);
  }, 60_000);

  it('loses no order and lands none twice when the chain is killed and restarted mid-flight', async () => {
    const ids = await submitBuys(20, '1');
    await Promise.all(ids.map((id) => client.waitFor((m) => m.orderId === id && m.status === 'submitted', 20_000)));
    const slotBefore = tickers().at(-1)!.slot;
    const t0 = Date.now();
    const base = client.updatesOf(ids[0]!)[0]!.ts as number;
    console.log('DBG3 ts', ids.map((id) => client.updatesOf(id).map((u) => `${String(u.status ?? 'ack')[0]}${(u.ts as number) - base}`).join(' ') + ' w' + workers.findIndex((w) => w.output.includes(id))).join('\n'));
    console.log('DBG3 statuses at kill', ids.map((id) => client.updatesOf(id).at(-1)!.status).join(','));
    expect(await chain.stop('SIGKILL')).toBe(null); // killed, no goodbye, transactions still to land
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // down past the landings due and past the slot staleness bound
    const restarted = await spawnEngine({ ...env, ROLE: 'chain' });
    extra.push(restarted);
    console.log('DBG3 restarted after', Date.now() - t0, 'ms; statuses', ids.map((id) => client.updatesOf(id).at(-1)!.status).join(','));

    const settled = await Promise.all(ids.map((id) => client.settle(id, 45_000)));
    for (const updates of settled) {
      expect(updates.map((u) => u.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
      expect(updates.filter((u) => TERMINAL.includes(u.status as string))).toHaveLength(1);
    }
    const rows = await sql<Array<{ id: string; status: string; tx_hash: string | null }>>`select id, status, tx_hash from orders where id = any(${ids}::uuid[])`;
    expect(rows).toHaveLength(20);
    expect(rows.every((row) => row.status === 'confirmed' && row.tx_hash !== null)).toBe(true);
    expect(new Set(rows.map((row) => row.tx_hash)).size).toBe(20);
    // Each order's confirmed event carries the tx_hash stored for it: one transaction landed per order.
    for (const updates of settled) {
      const row = rows.find((r) => r.id === updates[0]!.orderId)!;
      expect(updates.at(-1)!.txHash).toBe(row.tx_hash);
    }

    // The restarted chain resumed from its committed slot, not from genesis.
    expect(restarted.output).toContain('chain resumed from its last slot');
    console.log('DBG3 settled after', Date.now() - t0, restarted.output.split('\n').filter((l) => l.includes('chain')).slice(0, 5).join('\n'));
    const after = await nextTicker(slotBefore, 15_000);
    console.log('DBG3 slots', slotBefore, tickers().map((t) => t.slot).slice(-40).join(','));
    expect(after.slot).toBeGreaterThan(slotBefore);
    const slots = tickers().map((t) => t.slot);
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
    expect(new Set(slots).size).toBe(slots.length);
  }, 60_000);
});
