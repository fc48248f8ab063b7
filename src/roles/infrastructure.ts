import { join } from 'node:path';
import type { RedisClient as Redis } from '../adapters/redis/connect.js';
import type { Sql } from 'postgres';
import { connectPostgres } from '../adapters/postgres/connect.js';
import { startHistoryMaintenance, type HistoryPolicy } from '../adapters/postgres/history-partitions.js';
import { migrate } from '../adapters/postgres/migrate.js';
import { connectRedis } from '../adapters/redis/connect.js';
import type { HealthReport } from '../adapters/uws/http-server.js';
import type { EngineMetrics } from '../adapters/prometheus/engine-metrics.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import { withTimeout } from '../util/with-timeout.js';

/** Every Redis key of one deployment, under one prefix (REDIS_PREFIX; tests use one per test). */
export function redisKeys(namespace: string, options: { cluster?: boolean; shards?: number } = {}) {
  const queuePrefix = options.cluster ? `{${namespace}:bull}` : `${namespace}:bull`;
  return {
    namespace,
    /**
     * BullMQ's own keys: `<prefix>:<queue>:…`. On a Redis Cluster the prefix is a hash tag, so that
     * every key of the queue is in one slot, as BullMQ's scripts need (a single Redis keeps the
     * prefix it always had: its queued jobs stay where they are).
     */
    queuePrefix,
    queueName: 'orders',
    /**
     * The queue's shards (QUEUE_SHARDS): the first is the queue above; shard i after it is
     * `orders-<i>`, on a Redis Cluster under its own tag `{<namespace>:bull:<i>}`, so that the
     * shards spread over the masters.
     */
    queues: Array.from({ length: options.shards ?? 1 }, (_, i) =>
      i === 0 ? { prefix: queuePrefix, name: 'orders' } : { prefix: options.cluster ? `{${namespace}:bull:${i}}` : queuePrefix, name: `orders-${i}` },
    ),
    /** The deployment's QUEUE_SHARDS, as the processes that use the queue recorded it. */
    queueShards: `${namespace}:queue-shards`,
    /** The streams of persisted order events: each gateway's inbox, and the resting orders' for the trigger component. */
    events: {
      inboxOf: (gateway: string) => `${namespace}:events:gw:${gateway}`,
      resting: `${namespace}:events:resting`,
    },
    /** The simulated chain's ledger of transactions. */
    chain: `${namespace}:chain`,
  } as const;
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** A health check gets this long before its service counts as down. */
const HEALTH_CHECK_MS = 2_000;

/** How often each process pings PostgreSQL and Redis for the round-trip metrics. */
const PING_EVERY_MS = 5_000;

/**
 * The connections every role shares: a migrated PostgreSQL pool, BullMQ's Redis connection, and a
 * pipelined one for our own commands (event stream, chain ledger). Closed last, after every role.
 */
export async function startInfrastructure(options: { name: string; databaseUrl: string; redisUrl: string; rootDir: string; keys: RedisKeys; log: Logger; metrics: EngineMetrics; history: HistoryPolicy }) {
  const { log, keys } = options;
  const sql: Sql = connectPostgres(options.databaseUrl, log, options.name);
  await migrate(sql, join(options.rootDir, 'sql'), log);
  // Today's partition of the history and the next week's exist before anything writes (then hourly).
  const history = startHistoryMaintenance(sql, options.history, log);
  await history.first;
  options.metrics.gaugeAtScrape('dex_history_days_ahead', 'Whole days ahead that order_events has partitions for: event writes fail past them (NaN: not seen yet)', () => history.daysAhead() ?? Number.NaN);
  const redis: Redis = connectRedis(options.redisUrl, log, `${keys.namespace}:queue`);
  const commands: Redis = connectRedis(options.redisUrl, log, `${keys.namespace}:commands`, { autoPipelining: true });

  async function health(): Promise<HealthReport> {
    const [redisUp, postgresUp] = await Promise.all(
      [withTimeout(redis.ping(), HEALTH_CHECK_MS).then((reply) => reply === 'PONG'), withTimeout(sql`select 1`, HEALTH_CHECK_MS).then(() => true)].map((check) =>
        check.catch(() => false),
      ),
    );
    return { ok: redisUp === true && postgresUp === true, checks: { redis: redisUp ? 'up' : 'down', postgres: postgresUp ? 'up' : 'down' } };
  }

  // Round trips as every part of this process sees them (a ping that fails is not a round trip).
  const timed = (run: () => Promise<unknown>, observe: (seconds: number) => void) => {
    const started = performance.now();
    return withTimeout(run(), HEALTH_CHECK_MS).then(() => observe((performance.now() - started) / 1000), () => undefined);
  };
  let pinging = false;
  const pings = setInterval(() => {
    if (pinging) return;
    pinging = true;
    void Promise.all([timed(() => sql`select 1`, options.metrics.postgresRtt), timed(() => commands.ping(), options.metrics.redisRtt)]).finally(() => (pinging = false));
  }, PING_EVERY_MS);
  pings.unref();

  /** Closing steps: Redis quits politely if it can within the step's time, else disconnects. */
  const shutdownSteps: ShutdownStep[] = [
    { name: 'stop the round-trip pings', run: () => clearInterval(pings) },
    { name: 'stop the history maintenance', run: () => history.stop() },
    closeStep('close Redis connections', (ms) => Promise.all([quit(redis, ms), quit(commands, ms)])),
    closeStep('close the PostgreSQL pool', (ms) => sql.end({ timeout: ms / 1000 })),
  ];

  return { sql, redis, commands, health, shutdownSteps };
}

/** Time kept at the end of a close step for the disconnect that follows a QUIT left unanswered. */
const DISCONNECT_MS = 50;

async function quit(redis: Redis, timeoutMs: number): Promise<void> {
  await withTimeout(redis.quit(), Math.max(1, timeoutMs - DISCONNECT_MS)).catch(() => redis.disconnect());
}

export type Infrastructure = Awaited<ReturnType<typeof startInfrastructure>>;
