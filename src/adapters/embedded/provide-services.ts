import { resolve } from 'node:path';
import type { Logger } from '../../log.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { startRedisServer } from './redis-server.js';

/** The database the embedded default keeps its data in. */
export const EMBEDDED_DATABASE = 'dex';

export interface ProvidedServices {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Stops whatever was started here (nothing, when both URLs were given). */
  close(): Promise<void>;
}

/**
 * The embedded default: any of Postgres and Redis without a URL is started locally, with data
 * under `dataDir` kept across restarts.
 */
export async function provideServices(options: {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  log: Logger;
  postgresFlags?: readonly string[];
  database?: string;
}): Promise<ProvidedServices> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    let redisUrl = options.redisUrl;
    if (!redisUrl) {
      const redis = await startRedisServer({ dir: resolve(dataDir, 'redis'), log });
      started.push(redis);
      redisUrl = redis.url;
    }
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const postgres = await startEmbeddedPostgres({
        dir: resolve(dataDir, 'postgres'),
        database: options.database ?? EMBEDDED_DATABASE,
        log,
        ...(options.postgresFlags && { flags: options.postgresFlags }),
      });
      started.push(postgres);
      databaseUrl = postgres.url;
    }
    return {
      databaseUrl,
      redisUrl,
      async close() {
        for (const service of started.reverse()) await service.close();
      },
    };
  } catch (err) {
    for (const service of started.reverse()) await service.close().catch(() => undefined);
    throw err;
  }
}
