import * as v from 'valibot';

/** A whole number from an environment variable, within bounds (the ceiling benchmark's config uses it too). */
export const intString = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

/** "2000-3000" or "2500" (or "0" to switch the wait off) → an inclusive range in ms. */
const latencyRange = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^\d+(\s*-\s*\d+)?$/, 'must be a number of ms or a range such as 2000-3000'),
  v.transform((text) => {
    const [lo, hi = lo] = text.split('-').map((part) => Number(part.trim())) as [number, number?];
    return { min: lo, max: hi };
  }),
  v.check((range) => range.min <= range.max, 'the range must go from low to high'),
  v.check((range) => range.max <= 120_000, 'must be at most 120000 ms'),
);

/** A URL of one of these protocols, from an environment variable. */
export const url = (protocols: readonly string[]) =>
  v.pipe(
    v.string('is required'),
    v.trim(),
    v.url('must be a URL'),
    v.check(
      (text) => protocols.some((protocol) => text.startsWith(`${protocol}:`)),
      `must start with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`,
    ),
  );

/** Redis Cluster seed nodes: `host:port` entries, comma-separated. */
const clusterNodes = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.transform((text) => text.split(',').map((entry) => entry.trim())),
  v.check((entries) => entries.every((entry) => /^[A-Za-z0-9._\-]+:\d{1,5}$/.test(entry)), 'must be host:port entries separated by commas, such as 10.0.0.1:7000,10.0.0.2:7000'),
  v.transform((entries) => entries.map((entry) => ({ host: entry.slice(0, entry.lastIndexOf(':')), port: Number(entry.slice(entry.lastIndexOf(':') + 1)) }))),
  v.check((nodes) => nodes.every((node) => node.port >= 1 && node.port <= 65535), 'every port must be from 1 to 65535'),
);

const EnvSchema = v.object({
  PORT: v.optional(intString(0, 65535), '3000'),
  HOST: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')), '0.0.0.0'),
  DATABASE_URL: v.optional(url(['postgres', 'postgresql'])),
  REDIS_URL: v.optional(url(['redis', 'rediss'])),
  REDIS_CLUSTER_NODES: v.optional(clusterNodes),
  ROLE: v.optional(v.picklist(['all', 'gateway', 'worker', 'chain'], 'must be one of all, gateway, worker, chain'), 'all'),
  WORKER_CONCURRENCY: v.optional(intString(1, 50_000), '10000'),
  QUEUE_SHARDS: v.optional(intString(1, 64), '1'),
  WORKER_THREADS: v.optional(intString(0, 16), '1'),
  WORKER_BATCH_LINGER_MS: v.optional(intString(0, 100), '3'),
  ADMISSION_MAX_WAIT_MS: v.optional(intString(0, 60_000), '1000'),
  WORKER_THREAD_NICE: v.optional(intString(0, 19), '2'),
  LOG_LEVEL: v.optional(
    v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be a pino level (fatal … trace, silent)'),
    'info',
  ),
  DATA_DIR: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')), './.data'),
  MOCK_QUOTE_LATENCY_MS: v.optional(latencyRange, '150-250'),
  MOCK_EXEC_LATENCY_MS: v.optional(latencyRange, '2000-3000'),
  MOCK_FAILURE_RATE: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1'),
      v.transform(Number),
    ),
    '0',
  ),
  MOCK_SEED: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')), 'dex-order-engine'),
  CHAIN_SLOT_MS: v.optional(intString(10, 10_000), '400'),
  MOCK_CHAIN_RETENTION_HOURS: v.optional(intString(1, 24 * 90), String(7 * 24)),
  CHAIN_RANDOM_LAUNCH_EVERY_MS: v.optional(
    v.pipe(intString(0, 7 * 86_400_000), v.check((ms) => ms === 0 || ms >= 1_000, 'must be 0 (off) or at least 1000')),
    '0',
  ),
  HISTORY_RETENTION_DAYS: v.optional(intString(1, 36_500), '90'),
  HISTORY_AFTER_RETENTION: v.optional(v.picklist(['drop', 'detach'], 'must be drop or detach'), 'drop'),
  SHUTDOWN_TIMEOUT_MS: v.optional(intString(100, 600_000), '10000'),
  WS_IDLE_TIMEOUT_SECONDS: v.optional(intString(8, 960), '60'),
  WS_MAX_BUFFERED_BYTES: v.optional(intString(64 * 1024, 1024 * 1024 * 1024), String(8 * 1024 * 1024)),
  AUTH: v.optional(v.picklist(['on', 'off'], 'must be on or off'), 'on'),
  MAX_CONNECTIONS: v.optional(intString(1, 1_000_000), '20000'),
  MAX_CONNECTIONS_PER_KEY: v.optional(intString(1, 1_000_000), '100'),
  MAX_OPEN_ORDERS_PER_ACCOUNT: v.optional(intString(1, 10_000_000), '1000'),
  MAX_RESTING_ORDERS_PER_ACCOUNT: v.optional(intString(1, 10_000_000), '10000'),
  RATE_LIMIT_MESSAGES_PER_CONNECTION: v.optional(intString(1, 10_000_000), '100'),
  RATE_LIMIT_MESSAGES_PER_ACCOUNT: v.optional(intString(1, 10_000_000), '1000'),
  RATE_LIMIT_SUBMITS_PER_CONNECTION: v.optional(intString(1, 10_000_000), '50'),
  RATE_LIMIT_SUBMITS_PER_ACCOUNT: v.optional(intString(1, 10_000_000), '200'),
  REDIS_PREFIX: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _ . : -')),
    'dex',
  ),
});

/**
 * The environment, validated, mapped to the names the code uses. The Config type is derived from
 * it, so a setting is written in two places only: its variable above and its field here.
 */
const ConfigSchema = v.pipe(
  EnvSchema,
  // Each shard's worker gets a share of WORKER_CONCURRENCY: at least one order at a time.
  v.forward(
    v.check((env) => env.QUEUE_SHARDS <= env.WORKER_CONCURRENCY, 'must be at most WORKER_CONCURRENCY'),
    ['QUEUE_SHARDS'],
  ),
  v.transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    /** Redis Cluster seed nodes; when set, REDIS_URL is not used (and no embedded Redis is started). */
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    role: env.ROLE,
    workerConcurrency: env.WORKER_CONCURRENCY,
    /** How many BullMQ queues the orders are spread over (each on its own hash tag on a Redis Cluster). */
    queueShards: env.QUEUE_SHARDS,
    /** ROLE=all: worker threads next to the gateway's main thread (0: workers on the main thread). */
    workerThreads: env.WORKER_THREADS,
    /** How long a worker's writes (status changes, events) gather before they go out as one batch. */
    workerBatchLingerMs: env.WORKER_BATCH_LINGER_MS,
    admissionMaxWaitMs: env.ADMISSION_MAX_WAIT_MS,
    /** Nice value of worker threads (Linux): the gateway thread's acks get the larger share of a busy machine. */
    workerThreadNice: env.WORKER_THREAD_NICE,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    mockQuoteLatencyMs: env.MOCK_QUOTE_LATENCY_MS,
    mockExecLatencyMs: env.MOCK_EXEC_LATENCY_MS,
    mockFailureRate: env.MOCK_FAILURE_RATE,
    mockSeed: env.MOCK_SEED,
    /** Length of one slot of the simulated chain (Solana: 400 ms); pools move and transactions land once per slot. */
    chainSlotMs: env.CHAIN_SLOT_MS,
    /** How long the simulated chain remembers a transaction and its outcome. */
    mockChainRetentionHours: env.MOCK_CHAIN_RETENTION_HOURS,
    /** Mean time between the simulated chain's random token launches; 0: none. */
    chainRandomLaunchEveryMs: env.CHAIN_RANDOM_LAUNCH_EVERY_MS,
    /** Days of order events kept (daily partitions), and what becomes of an older day: dropped, or detached for an operator to archive. */
    history: Object.freeze({ retentionDays: env.HISTORY_RETENTION_DAYS, afterRetention: env.HISTORY_AFTER_RETENTION }),
    /** The whole shutdown's budget, from the signal to the exit. */
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    redisPrefix: env.REDIS_PREFIX,
    wsIdleTimeoutSeconds: env.WS_IDLE_TIMEOUT_SECONDS,
    wsMaxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
    auth: env.AUTH === 'on',
    maxConnections: env.MAX_CONNECTIONS,
    maxConnectionsPerKey: env.MAX_CONNECTIONS_PER_KEY,
    maxOpenOrdersPerAccount: env.MAX_OPEN_ORDERS_PER_ACCOUNT,
    maxRestingOrdersPerAccount: env.MAX_RESTING_ORDERS_PER_ACCOUNT,
    rateLimits: Object.freeze({
      messagesPerConnection: env.RATE_LIMIT_MESSAGES_PER_CONNECTION,
      messagesPerAccount: env.RATE_LIMIT_MESSAGES_PER_ACCOUNT,
      submitsPerConnection: env.RATE_LIMIT_SUBMITS_PER_CONNECTION,
      submitsPerAccount: env.RATE_LIMIT_SUBMITS_PER_ACCOUNT,
    }),
  })),
);

/** The validated, typed configuration; the only view of the environment anything else gets. */
export type Config = Readonly<v.InferOutput<typeof ConfigSchema>>;
export type Role = Config['role'];
export type LatencyRange = Config['mockQuoteLatencyMs'];

/** Raised when the environment is invalid; `message` names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

/** Reads and validates the environment once; an empty variable counts as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  const result = v.safeParse(ConfigSchema, present);
  if (!result.success) {
    const lines = result.issues.map((issue) => {
      const key = v.getDotPath(issue) ?? '(environment)';
      return `${key}=${JSON.stringify(present[key] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return Object.freeze(result.output);
}
