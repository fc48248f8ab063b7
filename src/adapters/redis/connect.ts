import { Cluster, Redis } from 'ioredis';
import type { Logger } from '../../log.js';

/** A connection to a single Redis or to a Redis Cluster: the commands the engine uses are the same on both. */
export type RedisClient = Redis | Cluster;

/**
 * How a process names its Redis in one string, passed to every part and thread: a `redis://` URL,
 * or `redis-cluster://host:port,host:port` for the seed nodes of a Redis Cluster
 * (REDIS_CLUSTER_NODES).
 */
const CLUSTER_SCHEME = 'redis-cluster://';

/** The one-string target of a cluster's seed nodes. */
export function clusterTarget(nodes: readonly { host: string; port: number }[]): string {
  return `${CLUSTER_SCHEME}${nodes.map((node) => `${node.host}:${node.port}`).join(',')}`;
}

/** The seed nodes a target names, or null for a single Redis's URL. */
export function clusterNodesOf(target: string): Array<{ host: string; port: number }> | null {
  if (!target.startsWith(CLUSTER_SCHEME)) return null;
  return target
    .slice(CLUSTER_SCHEME.length)
    .split(',')
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
    });
}

const retryStrategy = (times: number) => Math.min(50 * 2 ** times, 2_000);

/**
 * Opens an ioredis connection: commands wait through reconnects instead of failing after a few
 * retries (what BullMQ and blocking reads need). `autoPipelining` sends every command issued in one
 * turn of the event loop as one write; use it for plain commands only (not BullMQ, not blocking reads).
 * A cluster target opens an ioredis Cluster: every command goes to the node of its key's slot, and
 * every multi-key command of the engine keeps its keys under one hash tag.
 */
export function connectRedis(target: string, log: Logger, name: string, options: { autoPipelining?: boolean } = {}): RedisClient {
  const nodes = clusterNodesOf(target);
  const common = { connectionName: name, maxRetriesPerRequest: null, enableReadyCheck: true } as const;
  const redis: RedisClient = nodes
    ? new Cluster(nodes, {
        redisOptions: common,
        enableAutoPipelining: options.autoPipelining ?? false,
        clusterRetryStrategy: retryStrategy,
        // Each node's connection reconnects like a single Redis's (ioredis gives up on a node otherwise).
        clusterNodeRetryStrategy: retryStrategy,
        // A master that restarts comes back with the same slots: a command retries every 200 ms
        // meanwhile, for up to a minute (each retry spends one redirection), then fails.
        retryDelayOnClusterDown: 200,
        retryDelayOnFailover: 200,
        retryDelayOnTryAgain: 200,
        maxRedirections: 300,
      })
    : new Redis(target, { ...common, enableAutoPipelining: options.autoPipelining ?? false, retryStrategy });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err, connection: name }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ connection: name }, 'redis connection restored');
    down = false;
  });
  return redis;
}
