import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/adapters/embedded/free-port.js';
import { toBusEvents } from '../../src/adapters/redis/event-bus.js';
import { startRedisCluster, type RedisClusterFixture } from '../helpers/redis-cluster.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { connectClient, type Client, type Message } from '../helpers/ws-client.js';

type Engine = Awaited<ReturnType<typeof spawnEngine>>;

const ENDED = ['confirmed', 'failed', 'cancelled', 'expired'];
const market = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 300 } as const;

/**
 * A trader that keeps going through gateway deaths, as a careful client does: every order has a
 * clientOrderId; when its socket drops it reconnects (to the same port: the kernel picks a live
 * gateway), sends again every submit that got no answer (the same clientOrderId: at most one order)
 * and resubscribes to every acked order that has not ended, from the last seq it saw.
 */
function trader(url: string, name: string) {
  const orders = new Map<string, { orderId?: string; lastSeq: number; status?: string; refused?: string }>();
  let client: Client | undefined;
  let reconnects = 0;
  let stopped = false;

  function onMessage(message: Message): void {
    const clientOrderId = typeof message.reqId === 'string' ? message.reqId : undefined;
    if (message.type === 'ack' && clientOrderId && orders.has(clientOrderId)) {
      const entry = orders.get(clientOrderId)!;
      entry.orderId = message.orderId as string;
      entry.lastSeq = Math.max(entry.lastSeq, (message.lastSeq as number | undefined) ?? 1);
      entry.status ??= 'pending';
    } else if (message.type === 'error' && clientOrderId && orders.has(clientOrderId)) {
      orders.get(clientOrderId)!.refused = message.code as string;
    } else if (message.type === 'order') {
      for (const entry of orders.values()) {
        if (entry.orderId !== message.orderId || (message.seq as number) <= entry.lastSeq) continue;
        entry.lastSeq = message.seq as number;
        entry.status = message.status as string;
      }
    }
  }

  async function connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        client = await connectClient(url);
        break;
      } catch (err) {
        if (attempt > 100) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    client.socket.on('message', (data) => onMessage(JSON.parse(data.toString()) as Message));
    void client.closed.then(async () => {
      if (stopped) return;
      reconnects += 1;
      await connect();
      for (const [clientOrderId, entry] of orders) {
        if (entry.refused) continue;
        if (!entry.orderId) client!.send({ ...market, reqId: clientOrderId, clientOrderId });
        else if (!ENDED.includes(entry.status ?? '')) client!.send({ op: 'subscribe', reqId: `sub-${clientOrderId}`, orderId: entry.orderId, fromSeq: entry.lastSeq });
      }
    });
  }

  let next = 0;
  return {
    orders,
    connect,
    get reconnects() {
      return reconnects;
    },
    submit(): void {
      const clientOrderId = `${name}-${next++}`;
      orders.set(clientOrderId, { lastSeq: 0 });
      if (client?.socket.readyState === 1) client.send({ ...market, reqId: clientOrderId, clientOrderId });
    },
    unfinished: () => [...orders.values()].filter((entry) => !entry.refused && !ENDED.includes(entry.status ?? '')).length,
    async close(): Promise<void> {
      stopped = true;
      await client?.close();
    },
  };
}

describe('the split deployment on a Redis Cluster: two gateways on one port, three workers, the chain', () => {
  let cluster: RedisClusterFixture;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let prefix: string;
  let url: string;
  let gateways: Engine[] = [];
  let workers: Engine[] = [];
  let chain: Engine;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    database = await createTestDatabase(inject('databaseUrl'));
    prefix = `split-${randomBytes(4).toString('hex')}`;
    const port = await freePort();
    url = `ws://127.0.0.1:${port}/ws`;
    const env = {
      DATABASE_URL: database.url,
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      REDIS_PREFIX: prefix,
      AUTH: 'off', // this test is about roles and delivery; auth has its own tests
      QUEUE_SHARDS: '3',
      MOCK_QUOTE_LATENCY_MS: '20',
      MOCK_EXEC_LATENCY_MS: '300-600',
    };
    chain = await spawnEngine({ ...env, PORT: '0', ROLE: 'chain' });
    // Each role gets its own /metrics and /health port; the two gateways share one (SO_REUSEPORT).
    [gateways, workers] = await Promise.all([
      Promise.all([0, 1].map(() => spawnEngine({ ...env, PORT: String(port), ROLE: 'gateway' }))),
      Promise.all([0, 1, 2].map(() => spawnEngine({ ...env, PORT: '0', ROLE: 'worker' }))),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([...gateways, ...workers, chain].map((engine) => engine?.stop('SIGKILL')));
    await database?.drop();
    await cluster?.close();
  });

  it("spreads connections over both gateways on one port, and each gateway's inbox holds only the events of the orders taken on it", async () => {
    const clients = await Promise.all(Array.from({ length: 16 }, () => connectClient(url)));
    const acks = await Promise.all(
      clients.map(async (client, i) => {
        client.send({ ...market, reqId: `spread-${i}` });
        return client.waitFor((m) => m.reqId === `spread-${i}`);
      }),
    );
    for (const [i, ack] of acks.entries()) expect((await clients[i]!.settle(ack.orderId as string, 30_000)).at(-1)!.status).toBe('confirmed');
    await Promise.all(clients.map((client) => client.close()));

    const redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      await new Promise((resolve) => redis.once('ready', resolve));
      const inboxes: string[] = [];
      for (const node of redis.nodes('master')) inboxes.push(...(await node.keys(`${prefix}:events:gw:*`)));
      // 16 connections all on one gateway would happen once in 32,768 runs.
      expect(inboxes).toHaveLength(2);
      const ordersIn = async (key: string) =>
        new Set((await redis.xrange(key, '-', '+')).flatMap(([, fields]) => toBusEvents(fields) ?? []).map((event) => event.orderId));
      const [first, second] = await Promise.all(inboxes.map(ordersIn));
      const taken = acks.map((ack) => ack.orderId as string);
      expect([...first!].filter((orderId) => second!.has(orderId))).toEqual([]);
      expect([...first!, ...second!].sort()).toEqual(taken.sort());
      expect(first!.size).toBeGreaterThan(0);
      expect(second!.size).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  }, 90_000);

  it('under load, a kill -9 of a gateway and of a worker loses no acked order and executes none twice', async () => {
    const traders = Array.from({ length: 6 }, (_, i) => trader(url, `t${i}`));
    await Promise.all(traders.map((each) => each.connect()));
    const start = Date.now();
    let killed = false;
    // 6 traders, an order every 100 ms each, for 6 s; both kills after 2 s.
    while (Date.now() - start < 6_000) {
      for (const each of traders) each.submit();
      if (!killed && Date.now() - start > 2_000) {
        killed = true;
        await Promise.all([gateways[0]!.stop('SIGKILL'), workers[0]!.stop('SIGKILL')]);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (let i = 0; i < 900 && traders.some((each) => each.unfinished() > 0); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(traders.map((each) => each.close()));

    const entries = traders.flatMap((each) => [...each.orders.values()]);
    const acked = entries.filter((entry) => entry.orderId);
    // Some traders were on the killed gateway: they reconnected to the survivor on the same port.
    expect(traders.reduce((sum, each) => sum + each.reconnects, 0)).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(entries.length * 0.8);
    // Every submit was answered: acked, or refused as retryable (admission control, a queue blink).
    for (const entry of entries) expect(entry.orderId !== undefined || entry.refused !== undefined).toBe(true);
    // Every acked order ended, on the client, confirmed (or expired unsent when a kill ate its deadline).
    for (const entry of acked) expect(['confirmed', 'expired']).toContain(entry.status);
    expect(acked.filter((entry) => entry.status === 'confirmed').length).toBeGreaterThan(acked.length * 0.8);

    const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql<{ id: string; status: string; confirmations: number; sent: number }[]>`
        select o.id, o.status,
               count(*) filter (where e.status = 'confirmed')::int as confirmations,
               count(*) filter (where e.status = 'submitted')::int as sent
        from orders o join order_events e on e.order_id = o.id group by o.id, o.status`;
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const entry of acked) {
        const row = byId.get(entry.orderId!)!;
        expect(row.status).toBe(entry.status); // what the client saw last is what is stored
        expect(row.confirmations).toBe(row.status === 'confirmed' ? 1 : 0);
        expect(row.sent).toBeLessThanOrEqual(1); // one submitted event: one execution
      }
      // Nothing is left half-way in the database either (an order stored as its gateway died fails as never queued).
      const [left] = await sql<{ n: number }[]>`select count(*)::int as n from orders where status not in ('confirmed', 'failed', 'cancelled', 'expired')`;
      expect(left!.n).toBe(0);
    } finally {
      await sql.end();
    }
  }, 180_000);
});
