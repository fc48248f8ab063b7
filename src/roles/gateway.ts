import { randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '../adapters/redis/connect.js';
import { createAuthenticator } from '../accounts/authenticate.js';
import { createShardedQueue } from '../adapters/bullmq/sharded-queue.js';
import { ensureDemoKey } from '../adapters/embedded/demo-key.js';
import { createAccountStore } from '../adapters/postgres/account-store.js';
import { connectPostgres } from '../adapters/postgres/connect.js';
import { createOrderStore } from '../adapters/postgres/order-store.js';
import { createSwitchStore } from '../adapters/postgres/switch-store.js';
import { createRateLimits } from '../adapters/rate-limit/rate-limits.js';
import { connectRedis } from '../adapters/redis/connect.js';
import { createEventPublisher, startEventSubscriber } from '../adapters/redis/event-bus.js';
import type { HttpServerOptions } from '../adapters/uws/http-server.js';
import type { Config } from '../config.js';
import { createAdmission } from '../gateway/admission.js';
import type { MarketData } from '../gateway/market-data.js';
import { startOpenOrders } from '../gateway/open-orders.js';
import { startOverloadGuard } from '../gateway/overload.js';
import { createOrderFeed } from '../gateway/order-feed.js';
import { createSession, type SessionDeps } from '../gateway/session.js';
import { startTickerFanout, type TickerFanout } from '../gateway/ticker.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import { createCancelAll } from '../orders/cancel-all.js';
import { armSwitch } from '../orders/dead-man-switch.js';
import { createCancelOrder } from '../orders/cancel-order.js';
import { createAmendOrder } from '../orders/amend-order.js';
import { marketNowOf } from '../gateway/market-now.js';
import type { Clock } from '../orders/ports.js';
import { createOrderQueries } from '../orders/query-orders.js';
import { createSubmitOrder } from '../orders/submit-order.js';
import type { PairInfo } from '../protocol/server-messages.js';
import type { EngineMetrics } from '../adapters/prometheus/engine-metrics.js';
import { observedStore } from '../orders/observed-store.js';
import { randomIds } from '../adapters/os/random-ids.js';
import { PAIRS, venuesOf } from '../venues/pairs.js';
import type { RedisKeys } from './infrastructure.js';
import type { PairSpec, Token } from '../venues/types.js';

/** The tokens the venues quote pairs in (a sniper may name a pair of one before it launches). */
const quoteToken = (symbol: string): Token | undefined => PAIRS.find((pair) => pair.quote.symbol === symbol)?.quote;

/** Connections in the gateway's own PostgreSQL pool. */
const GATEWAY_POOL_SIZE = 8;

export interface GatewayDeps {
  readonly config: Config;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** BullMQ's connection (the queue the gateway adds to) and the pipelined one for plain commands. */
  readonly redis: Redis;
  readonly commands: Redis;
  readonly keys: RedisKeys;
  readonly metrics: EngineMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  /** The traded pairs, default and launched. */
  readonly findPair: (symbol: string) => PairSpec | undefined;
  /** The latest pool state from the chain's slot stream: quotes, live pairs and the per-slot ticks. */
  readonly marketData: MarketData;
  /** Where the embedded default keeps its local demo API key (created on first start); unset: no demo account. */
  readonly demoKeyFile?: string;
}

/**
 * The gateway role: what a WebSocket connection talks to. Stores and queues submits (acked once
 * durable and queued), answers cancel/get/list/pairs and quotes, follows the event stream to deliver
 * each order's events to the sockets watching it, and publishes each slot's ticks to their topics.
 * Returns the socket handlers for the HTTP server.
 */
export async function startGateway(deps: GatewayDeps) {
  const { config, keys, clock, log } = deps;
  let accepting = true;
  // The gateway's own pool: acks wait for their insert, never behind a worker's batch.
  const sql = connectPostgres(deps.databaseUrl, log, 'dex-gateway-submits', GATEWAY_POOL_SIZE);
  const { metrics } = deps;
  // This gateway's id: the orders it takes, and those a client subscribes to here, name it among
  // their followers, and their events come to its inbox (a new one each start: nothing stale in it).
  const gatewayId = randomBytes(9).toString('base64url');
  const store = observedStore(createOrderStore(sql, { follower: gatewayId }), metrics.onMoved);
  const queue = createShardedQueue({ connection: deps.redis, shards: keys.queues, log });
  // Admission control: a submit the deployment cannot start within its deadline is refused (OVERLOADED).
  const overload = startOverloadGuard({ read: () => queue.readAdmission(), maxWaitMs: config.admissionMaxWaitMs, log });
  const feed = createOrderFeed({ loadAfter: store.eventsAfter, follow: (orderId) => store.follow(orderId, gatewayId), log });
  const openOrders = startOpenOrders({ maxPerAccount: config.maxOpenOrdersPerAccount, finishedAmong: store.finishedAmong, log });
  metrics.gaugeAtScrape('dex_queue_jobs', 'Jobs in the order queue, by state (deployment-wide)', () => queue.jobCounts(), 'state');
  metrics.gaugeAtScrape('dex_admission_start_wait_seconds', 'How long a new order would wait to be started, as admission control judges it (deployment-wide)', () => overload.state().waitMs / 1000);
  metrics.gaugeAtScrape('dex_admission_backlog_orders', 'Orders acked and queued that no worker has taken up yet, as admission control follows it (deployment-wide)', () => overload.state().backlog);
  metrics.gaugeAtScrape('dex_admission_drain_orders_per_second', 'Orders the workers took up per second over the last 2 s (deployment-wide)', () => overload.state().drainPerSecond);
  metrics.gaugeAtScrape(
    'dex_admission_capacity_orders_per_second',
    'The drain rate the workers showed while behind, which admission control divides the backlog by (0: not measured yet)',
    () => overload.state().capacityPerSecond,
  );
  const subscriber = startEventSubscriber({
    redis: connectRedis(deps.redisUrl, log, `${keys.namespace}:events`),
    streamKey: keys.events.inboxOf(gatewayId),
    fromId: '0-0',
    log,
    onEvent: (event) => {
      openOrders.observe(event);
      feed.deliver(event);
    },
  });
  metrics.gaugeAtScrape('dex_event_stream_lag_seconds', 'How far behind the event stream this gateway reads (0: caught up)', () => subscriber.lagMs() / 1000);

  // Submits between their insert and their ack: at shutdown they finish (or fail cleanly) before the pool closes.
  const inFlight = new Set<Promise<unknown>>();
  const submitOrder = createSubmitOrder({ store, queue, clock, ids: randomIds, findPair: deps.findPair, quoteToken, log, openOrders, maxResting: config.maxRestingOrdersPerAccount, overloaded: overload.refuse });
  const cancelEvents = createEventPublisher(deps.commands, keys.events);
  log.info({ gatewayId }, 'gateway reading its inbox');
  const switches = createSwitchStore(sql);
  const sessionDeps: SessionDeps = {
    submitOrder: async (message, accountId, watcher) => {
      const submitting = submitOrder(message, accountId, watcher);
      inFlight.add(submitting);
      try {
        const result = await submitting;
        if (result.ok && 'ack' in result) metrics.orderAccepted();
        return result;
      } finally {
        inFlight.delete(submitting);
      }
    },
    cancelOrder: createCancelOrder({ store, events: cancelEvents, clock }),
    amendOrder: createAmendOrder({ store, events: cancelEvents, clock, market: marketNowOf(deps.marketData), findPair: deps.findPair }),
    cancelAll: createCancelAll({ store, events: cancelEvents, clock }),
    cancelAllAfter: (accountId, timeoutMs) => armSwitch(switches, accountId, timeoutMs),
    queries: createOrderQueries(store),
    feed,
    now: clock.now,
    pairs: () => tradedPairs(deps.marketData),
    marketData: deps.marketData,
    accepting: () => accepting,
    observer: { message: metrics.message, acked: metrics.acked, refused: metrics.refused },
  };

  const accounts = createAccountStore(sql);
  const authenticate = createAuthenticator({ store: accounts, now: clock.now });
  let demoKey: string | undefined;
  if (config.auth && deps.demoKeyFile) {
    const ensured = await ensureDemoKey({ file: deps.demoKeyFile, store: accounts, authenticate });
    demoKey = ensured.key;
    if (ensured.created) log.info({ file: deps.demoKeyFile }, 'created the local demo account and its API key');
  }
  const admission = createAdmission({
    authenticate: config.auth ? authenticate : null,
    maxConnections: config.maxConnections,
    maxConnectionsPerKey: config.maxConnectionsPerKey,
  });
  const rateLimits = createRateLimits(config.rateLimits);
  let tickers: TickerFanout | undefined;
  const handlers: NonNullable<HttpServerOptions['gateway']> = {
    admit: (request) => (accepting ? admission.admit(request) : Promise.resolve({ ok: false, status: 503, code: 'SHUTTING_DOWN', message: 'shutting down' })),
    release: admission.release,
    connect: (sink, caller, connId, connLog) =>
      createSession(sessionDeps, caller, rateLimits.forConnection(connId, caller.accountId), sink, connLog.child({ accountId: caller.accountId })),
    // Each tick is serialized once and published to `ticker:<pair>`, whoever follows it.
    attach: (publisher) => {
      tickers?.close();
      tickers = startTickerFanout({ marketData: deps.marketData, findPair: deps.findPair, publisher, log });
    },
  };

  return {
    handlers,
    /** The local demo account's API key (embedded default with auth on). */
    demoKey,
    /** Resolves once the submits already taken have their answer (acked, or refused and cleaned up). */
    settleSubmits: () => Promise.allSettled([...inFlight]).then(() => undefined),
    /** Refuses new connections and submits (SHUTTING_DOWN) from now on; everything else is still answered. */
    stopIntake(): void {
      accepting = false;
    },
    shutdownSteps: [
      { name: 'stop publishing ticks', run: () => tickers?.close() },
      closeStep('stop following the event stream', () => subscriber.close()),
      closeStep('close the gateway queue and pool', async (ms) => {
        const started = Date.now();
        openOrders.close();
        overload.close();
        await queue.close();
        await sql.end({ timeout: Math.max(0, ms - (Date.now() - started)) / 1000 });
      }),
    ] satisfies ShutdownStep[],
  };
}

/** The default pairs, then those launched since (the live ones the latest slot has), as the wire names them. */
function tradedPairs(marketData: MarketData): PairInfo[] {
  const launched = marketData.livePairs().filter((pair) => !PAIRS.some((known) => known.symbol === pair.symbol));
  return [...PAIRS, ...launched].map((pair) => ({
    symbol: pair.symbol,
    base: { symbol: pair.base.symbol, decimals: pair.base.decimals },
    quote: { symbol: pair.quote.symbol, decimals: pair.quote.decimals },
    venues: [...venuesOf(pair)],
  }));
}

export type GatewayRole = Awaited<ReturnType<typeof startGateway>>;
