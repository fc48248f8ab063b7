import * as v from 'valibot';
import { intString, url } from '../../src/config.js';

/**
 * How the worker groups an order's four status changes into statements: `1` writes routing,
 * building, submitted and confirmed in one statement (nothing happens between them here); `2`
 * writes what precedes a send (routing, building, submitted) and then the confirmation, as an
 * engine with a real chain at best could; `4` writes each change on its own, as the engine does.
 */
const STATUS_GROUPS = {
  '1': [['routing', 'building', 'submitted', 'confirmed']],
  '2': [['routing', 'building', 'submitted'], ['confirmed']],
  '4': [['routing'], ['building'], ['submitted'], ['confirmed']],
} as const;

const EnvSchema = v.object({
  DATABASE_URL: url(['postgres', 'postgresql']),
  REDIS_URL: url(['redis', 'rediss']),
  PORT: v.optional(intString(0, 65535), '3300'),
  HOST: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')), '127.0.0.1'),
  /** Its own key prefix, so it never shares a queue or stream with an engine on the same Redis. */
  CEILING_REDIS_PREFIX: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _ . : -')), 'ceiling'),
  CEILING_STATUS_WRITES: v.optional(v.picklist(['1', '2', '4'], 'must be 1, 2 or 4'), '1'),
  /** The engine's WORKER_BATCH_LINGER_MS: how long the worker's writes gather before they go out. */
  CEILING_LINGER_MS: v.optional(intString(0, 100), '3'),
  /** Jobs (each one gateway batch of orders) the worker runs at once. */
  CEILING_WORKER_CONCURRENCY: v.optional(intString(1, 10_000), '1000'),
  /** The engine's WORKER_THREAD_NICE: the gateway's acks get the larger share of a busy machine. */
  CEILING_WORKER_THREAD_NICE: v.optional(intString(0, 19), '2'),
  LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be a pino level'), 'info'),
});

const ConfigSchema = v.pipe(
  EnvSchema,
  v.transform((env) => ({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    port: env.PORT,
    host: env.HOST,
    keys: {
      queuePrefix: `${env.CEILING_REDIS_PREFIX}:bull`,
      queueName: 'orders',
      events: `${env.CEILING_REDIS_PREFIX}:events`,
    },
    statusGroups: STATUS_GROUPS[env.CEILING_STATUS_WRITES],
    lingerMs: env.CEILING_LINGER_MS,
    workerConcurrency: env.CEILING_WORKER_CONCURRENCY,
    workerThreadNice: env.CEILING_WORKER_THREAD_NICE,
    logLevel: env.LOG_LEVEL,
  })),
);

export type CeilingConfig = v.InferOutput<typeof ConfigSchema>;

/** The ceiling's settings from the environment; throws one line per bad variable. */
export function loadCeilingConfig(env: NodeJS.ProcessEnv = process.env): CeilingConfig {
  const parsed = v.safeParse(ConfigSchema, env);
  if (parsed.success) return Object.freeze(parsed.output);
  throw new Error(parsed.issues.map((issue) => `${v.getDotPath(issue) ?? 'env'}: ${issue.message}`).join('\n'));
}
