import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';

/**
 * Opens an ioredis connection: commands wait through reconnects instead of failing after a few
 * retries (what BullMQ and blocking reads need). `autoPipelining` sends every command issued in one
 * turn of the event loop as one write; use it for plain commands only (not BullMQ, not blocking reads).
 */
export function connectRedis(url: string, log: Logger, name: string, options: { autoPipelining?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: options.autoPipelining ?? false,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down) log.warn({ err, connection: name }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ connection: name }, 'redis connection restored');
    down = false;
  });
  return redis;
}
