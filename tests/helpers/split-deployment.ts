import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createTestDatabase } from './test-database.js';
import { spawnEngine } from './spawn-engine.js';

type Engine = Awaited<ReturnType<typeof spawnEngine>>;

/**
 * A fresh database, then the chain, one worker and one gateway as processes of their own on the
 * test Redis (auth off: these tests are about delivery across processes), with orders slow enough
 * to kill something mid-flight (quotes 300 ms, execution 2.5 s). Each part, and every gateway
 * started later with `gateway()`, is pushed onto `cleanups` (killed with SIGKILL, the database
 * dropped), for the caller's afterAll to run in reverse.
 */
export async function startSplitDeployment(name: string, cleanups: Array<() => Promise<unknown>>) {
  const database = await createTestDatabase(inject('databaseUrl'));
  cleanups.push(() => database.drop());
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${name}-${randomBytes(4).toString('hex')}`,
    PORT: '0',
    AUTH: 'off',
    MOCK_QUOTE_LATENCY_MS: '300',
    MOCK_EXEC_LATENCY_MS: '2500',
  };
  const start = async (role: 'chain' | 'worker' | 'gateway'): Promise<Engine> => {
    const engine = await spawnEngine({ ...env, ROLE: role });
    cleanups.push(() => engine.stop('SIGKILL'));
    return engine;
  };
  const chain = await start('chain');
  const worker = await start('worker');
  const gateway = await start('gateway');
  return { chain, worker, gateway, env, database, /** Another gateway on the same deployment. */ anotherGateway: () => start('gateway') };
}
