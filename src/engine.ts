import { join } from 'node:path';
import type { Config } from './config.js';
import { withTimeout } from './util/with-timeout.js';
import { startOrderWorker } from './adapters/bullmq/order-worker.js';
import { createOrderQueue } from './adapters/bullmq/order-queue.js';
import { connectPostgres } from './adapters/postgres/connect.js';
import { migrate } from './adapters/postgres/migrate.js';
import { createOrderStore } from './adapters/postgres/order-store.js';
import { createChainLedger } from './adapters/redis/chain-ledger.js';
import { connectRedis } from './adapters/redis/connect.js';
import { createEventPublisher, startEventSubscriber } from './adapters/redis/event-bus.js';
import { startHttpServer, type HealthReport } from './adapters/uws/http-server.js';
import { loadUws } from './adapters/uws/load-uws.js';
import { loadStaticFiles } from './adapters/uws/static-files.js';
import { createOrderFeed } from './gateway/order-feed.js';
import { createSession, type SessionDeps } from './gateway/session.js';
import { createAdmission } from './gateway/admission.js';
import { createOpenOrders } from './gateway/open-orders.js';
import { createAuthenticator } from './accounts/authenticate.js';
import { createAccountStore } from './adapters/postgres/account-store.js';
import { createRateLimits } from './adapters/rate-limit/rate-limits.js';
import { ensureDemoKey } from './adapters/embedded/demo-key.js';
import { randomIds } from './util/random-ids.js';
import type { Logger } from './log.js';
import { createMetrics } from './util/metrics.js';
import type { Clock } from './orders/ports.js';
import { failUnqueuedOrders } from './orders/fail-unqueued.js';
import { createProcessOrder } from './orders/process-order.js';
import { createSubmitOrder } from './orders/submit-order.js';
import { createCancelOrder } from './orders/cancel-order.js';
import { createOrderQueries } from './orders/query-orders.js';
import { DEXES } from './venues/types.js';
import { createSimulatedChain, type SendFailure, type SignedTx } from './venues/chain.js';
import { createMarket } from './venues/market.js';
import { PAIRS, findPair } from './venues/pairs.js';
import { createRng, hashKey } from './venues/random.js';
import { createVenueClient } from './venues/venue-client.js';
import type { LatencyRange } from './config.js';

export interface EngineOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Directory holding `sql/` and `web/`. */
  readonly rootDir: string;
  /** Prefix of every Redis key (queue, event stream, chain ledger); defaults to REDIS_PREFIX. */
  readonly namespace?: string;
  /** Where the embedded default keeps its local demo API key (created on first start); unset: no demo account. */
  readonly demoKeyFile?: string;
  /** Overrides the simulated RPC's failure model (tests inject a failure on a chosen attempt). */
  readonly sendFailure?: (tx: SignedTx, attempt: number) => SendFailure;
  /** False for a worker running in a thread of a process whose main thread serves HTTP. */
  readonly serveHttp?: boolean;
}

/** Something the engine waits for when it drains, alongside its own workers (a worker thread). */
export type Drain = (timeoutMs: number) => Promise<void>;

const TERMINAL_STATUSES = new Set(['confirmed', 'failed', 'cancelled']);

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The composition root: builds what `config.role` asks for (gateway, worker or both), wires the
 * pure core to its adapters, starts listening, and returns the handle that shuts it all down in order.
 */
export async function startEngine(options: EngineOptions) {
  const { config, log } = options;
  const namespace = options.namespace ?? config.redisPrefix;
  const isGateway = config.role !== 'worker';
  const isWorker = config.role !== 'gateway';

  const sql = connectPostgres(options.databaseUrl, log);
  await migrate(sql, join(options.rootDir, 'sql'), log);
  // BullMQ's connection, and a pipelined one for our own commands (event stream, chain ledger).
  const redis = connectRedis(options.redisUrl, log, `${namespace}:queue`);
  const commands = connectRedis(options.redisUrl, log, `${namespace}:commands`, { autoPipelining: true });
  // A worker's writes linger a moment to go out in bigger batches: fewer round trips, commits and
  // statements to plan. The gateway's own store (acks wait on its inserts) never lingers.
  const lingerMs = isWorker ? config.workerBatchLingerMs : 0;
  const store = createOrderStore(sql, { lingerMs });
  const metrics = createMetrics();
  const streamKey = `${namespace}:events`;
  const queueOptions = { connection: redis, prefix: `${namespace}:bull`, name: 'orders' };
  const closers: Array<() => Promise<unknown>> = [];

  // Simulated venues and chain. Seeded, so a run can be replayed; MOCK_* shape latency and failures.
  const random = createRng(hashKey(config.mockSeed, process.pid, Date.now()));
  const between = (range: LatencyRange) => range.min + (range.max - range.min) * random();
  const market = createMarket({ seed: config.mockSeed, startMs: realClock.now() });
  const chain = createSimulatedChain({
    ledger: createChainLedger(commands, `${namespace}:chain`, { retentionSeconds: config.mockChainRetentionHours * 3600 }),
    fill: (tx, atMs) => market.fill(tx.dex, tx.pair, tx.side, tx.amount, tx.limit, atMs) ?? { ok: false, code: 'INSUFFICIENT_LIQUIDITY' },
    landingDelayMs: () => between(config.mockExecLatencyMs),
    sendFailure:
      options.sendFailure ??
      (() => (random() < config.mockFailureRate ? (random() < 0.5 ? 'refused' : 'timeout') : null)),
  });

  let worker: ReturnType<typeof startOrderWorker> | undefined;
  if (isWorker) {
    const venues = createVenueClient({ market, clock: realClock, latencyMs: () => between(config.mockQuoteLatencyMs) });
    const processOrder = createProcessOrder({
      store,
      events: createEventPublisher(commands, streamKey, { lingerMs }),
      chain,
      quote: venues.quote,
      clock: realClock,
      ids: randomIds,
      findPair,
      log,
    });
    worker = startOrderWorker({ ...queueOptions, concurrency: config.workerConcurrency, processOrder, log });

    const sweepQueue = createOrderQueue({ ...queueOptions, log });
    const sweep = () =>
      failUnqueuedOrders({ store, queue: sweepQueue, events: createEventPublisher(commands, streamKey), clock: realClock, log }).catch((err: unknown) =>
        log.warn({ err }, 'sweep for unqueued orders failed'),
      );
    const sweeper = setInterval(() => void sweep(), 30_000);
    sweeper.unref();
    void sweep();
    closers.push(async () => {
      clearInterval(sweeper);
      await sweepQueue.close();
    });
  }

  let accepting = true;
  let demo: { key: string } | undefined;
  let gateway: Parameters<typeof startHttpServer>[0]['gateway'];
  if (isGateway) {
    // The gateway's own pool: acks wait for their insert, never behind a worker's batch.
    const gatewaySql = connectPostgres(options.databaseUrl, log, 8);
    closers.push(() => gatewaySql.end({ timeout: 2 }));
    const store = createOrderStore(gatewaySql);
    const queue = createOrderQueue({ ...queueOptions, log });
    closers.push(() => queue.close());
    const feed = createOrderFeed({ loadAfter: store.eventsAfter, log });
    const openOrders = createOpenOrders(config.maxOpenOrdersPerAccount);
    // A terminal event lost on its way (Redis failing right after the commit) must not hold a slot forever.
    const reconcile = setInterval(() => {
      void store
        .finishedAmong(openOrders.heldLongerThan(30_000))
        .then((ended) => ended.forEach(openOrders.finished))
        .catch((err: unknown) => log.warn({ err }, 'could not reconcile open orders'));
    }, 30_000);
    reconcile.unref();
    closers.push(async () => clearInterval(reconcile));
    const subscriber = startEventSubscriber({
      redis: connectRedis(options.redisUrl, log, `${namespace}:events`),
      streamKey,
      log,
      onEvent: (event) => {
        if (TERMINAL_STATUSES.has(event.status)) openOrders.finished(event.orderId);
        feed.deliver(event);
      },
    });
    closers.unshift(() => subscriber.close());
    const submitted = metrics.counter('dex_orders_accepted_total', 'Orders acked by this gateway');
    const submitOrder = createSubmitOrder({
      store,
      queue,
      clock: realClock,
      ids: randomIds,
      findPair,
      log,
      openOrders,
    });
    const cancelOrder = createCancelOrder({ store, events: createEventPublisher(commands, streamKey), clock: realClock });
    const queries = createOrderQueries(store);
    const pairs = PAIRS.map((pair) => ({
      symbol: pair.symbol,
      base: { symbol: pair.base.symbol, decimals: pair.base.decimals },
      quote: { symbol: pair.quote.symbol, decimals: pair.quote.decimals },
      venues: [...DEXES],
    }));
    const sessionDeps: SessionDeps = {
      submitOrder: async (message, accountId, subscriber) => {
        const result = await submitOrder(message, accountId, subscriber);
        if (result.ok && 'ack' in result) submitted.inc();
        return result;
      },
      cancelOrder,
      queries,
      feed,
      now: realClock.now,
      pairs,
      accepting: () => accepting,
    };
    const accounts = createAccountStore(gatewaySql);
    const authenticate = createAuthenticator({ store: accounts, now: realClock.now });
    if (config.auth && options.demoKeyFile) {
      const ensured = await ensureDemoKey({ file: options.demoKeyFile, store: accounts, authenticate });
      demo = ensured;
      if (ensured.created) log.info({ file: options.demoKeyFile }, 'created the local demo account and its API key');
    }
    const admission = createAdmission({
      authenticate: config.auth ? authenticate : null,
      maxConnections: config.maxConnections,
      maxConnectionsPerKey: config.maxConnectionsPerKey,
    });
    const rateLimits = createRateLimits(config.rateLimits);
    gateway = {
      admit: (request) => (accepting ? admission.admit(request) : Promise.resolve({ ok: false, status: 503, code: 'SHUTTING_DOWN', message: 'shutting down' })),
      release: admission.release,
      connect: (sink, caller, connId, connLog) =>
        createSession(sessionDeps, caller, rateLimits.forConnection(connId, caller.accountId), sink, connLog.child({ accountId: caller.accountId })),
    };
  }

  const connections = metrics.gauge('dex_ws_connections', 'Open WebSocket connections');
  const health = async (): Promise<HealthReport> => {
    const [redisUp, postgresUp] = await Promise.all([
      withTimeout(redis.ping(), 2_000).then((reply) => reply === 'PONG'),
      withTimeout(sql`select 1`, 2_000).then(() => true),
    ].map((check) => check.catch(() => false)));
    return { ok: Boolean(redisUp && postgresUp), checks: { redis: redisUp ? 'up' : 'down', postgres: postgresUp ? 'up' : 'down' } };
  };
  const http =
    options.serveHttp === false
      ? null
      : await startHttpServer({
          uws: loadUws(),
          host: config.host,
          port: config.port,
          log,
          health,
          metrics: metrics.render,
          files: isGateway ? await loadStaticFiles(join(options.rootDir, 'web')) : new Map(),
          gateway,
          onConnectionCount: connections.set,
          idleTimeoutSeconds: config.wsIdleTimeoutSeconds,
          maxBufferedBytes: config.wsMaxBufferedBytes,
        });

  return {
    port: http?.port ?? 0,
    market,
    /** The local demo account's API key (embedded default with auth on). */
    demoKey: demo?.key,
    health,
    /**
     * Shutdown mirrors start-up: stop intake, drain workers, tell clients (1001), close Redis and
     * Postgres. Every step takes its share of one budget, so the whole never outlives `timeoutMs`.
     */
    async close(timeoutMs = config.shutdownTimeoutMs, drain?: Drain): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      const left = () => Math.max(100, deadline - Date.now());
      accepting = false;
      http?.stopListening();
      const budget = Math.round(left() * 0.6);
      await Promise.all([worker?.close(budget), drain?.(budget).catch((err: unknown) => log.warn({ err }, 'drain failed'))]);
      // Let the last events of drained jobs reach their sockets before saying goodbye.
      if (isGateway && http && http.connections > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(250, left() / 10)));
      http?.closeConnections(1001, 'server shutting down');
      // Each close waits on Redis; while Redis is down they would wait forever, so each gets a bound.
      for (const close of closers) {
        await withTimeout(close(), Math.min(2_000, left() / 4)).catch((err: unknown) => log.warn({ err }, 'close step failed'));
      }
      await withTimeout(redis.quit(), Math.min(2_000, left() / 3)).catch(() => redis.disconnect());
      await withTimeout(commands.quit(), Math.min(2_000, left() / 3)).catch(() => commands.disconnect());
      await sql.end({ timeout: Math.max(0.1, left() / 2000) });
    },
  };
}

export type Engine = Awaited<ReturnType<typeof startEngine>>;
