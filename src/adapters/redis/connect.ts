import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';

/**
 * Opens an ioredis connection configured for BullMQ and blocking reads: commands wait through
 * reconnects instead of failing after a few retries.
 */
export function connectRedis(url: string, log: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
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
