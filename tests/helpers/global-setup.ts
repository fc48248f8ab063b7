import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { provideServices } from '../../src/adapters/embedded/provide-services.js';
import { createLogger } from '../../src/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/**
 * Real Redis and PostgreSQL for the whole run: the URLs from REDIS_URL / DATABASE_URL when given,
 * otherwise a redis-server (installed with apt-get as root on Debian when missing) and an embedded
 * PostgreSQL in a temporary directory, stopped when the run ends.
 */
export default async function setup(project: TestProject) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  const dataDir = await mkdtemp(join(tmpdir(), 'dex-order-engine-test-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
  await chmod(dataDir, 0o755);
  const services = await provideServices({
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir,
    log,
    // A throwaway cluster: durability buys nothing here, speed does.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
  });
  project.provide('databaseUrl', services.databaseUrl);
  project.provide('redisUrl', services.redisUrl);
  return async () => {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  };
}
