import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import postgres from 'postgres';
import { generateApiKey } from '../../src/accounts/api-key.js';
import { createAccountStore } from '../../src/adapters/postgres/account-store.js';
import { startApp, type AppOptions } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase } from './test-database.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts a real engine (uWS on a free loopback port, BullMQ, Redis, PostgreSQL) with its own
 * database and Redis namespace. `env` overrides configuration exactly as environment variables would.
 */
export async function startTestEngine(
  options: { env?: Record<string, string>; sendFailure?: AppOptions['sendFailure']; redisUrl?: string } = {},
) {
  const database = await createTestDatabase(inject('databaseUrl'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    MOCK_QUOTE_LATENCY_MS: '20',
    MOCK_EXEC_LATENCY_MS: '50-100',
    // Generous limits unless a test is about them.
    MAX_CONNECTIONS_PER_KEY: '1000',
    MAX_OPEN_ORDERS_PER_ACCOUNT: '100000',
    MAX_RESTING_ORDERS_PER_ACCOUNT: '100000',
    RATE_LIMIT_MESSAGES_PER_CONNECTION: '100000',
    RATE_LIMIT_MESSAGES_PER_ACCOUNT: '100000',
    RATE_LIMIT_SUBMITS_PER_CONNECTION: '100000',
    RATE_LIMIT_SUBMITS_PER_ACCOUNT: '100000',
    ...options.env,
  });
  const log = createLogger(config.logLevel);
  const namespace = `test-${randomBytes(4).toString('hex')}`;
  const engine = await startApp({
    config,
    log,
    databaseUrl: database.url,
    redisUrl: options.redisUrl ?? inject('redisUrl'),
    rootDir: ROOT,
    namespace,
    ...(options.sendFailure && { sendFailure: options.sendFailure }),
  });
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  /** A new account with its own API key. */
  const newKey = async (name = 'test') => {
    const created = generateApiKey();
    const ids = await createAccountStore(sql).createKey({ name, keyId: created.keyId, secretHash: created.secretHash });
    return { ...ids, key: created.key };
  };
  const account = await newKey();
  const base = `ws://127.0.0.1:${engine.port}/ws`;
  // Tests trade at once: wait for the gateway's first fresh slot of the chain (a busy machine may take a moment).
  if (config.role === 'all' || config.role === 'gateway') await untilLive(config.auth ? `${base}?key=${account.key}` : base).catch(() => undefined);
  return {
    engine,
    namespace,
    redisUrl: options.redisUrl ?? inject('redisUrl'),
    databaseUrl: database.url,
    /** The socket URL carrying the default account's key. */
    wsUrl: config.auth ? `${base}?key=${account.key}` : base,
    baseWsUrl: base,
    account,
    newKey,
    httpUrl: `http://127.0.0.1:${engine.port}`,
    /** Stops the engine within `timeoutMs` and drops its database; resolves with how long the engine's shutdown took. */
    async close(timeoutMs = 5_000): Promise<number> {
      const started = Date.now();
      await engine.close(timeoutMs);
      const elapsed = Date.now() - started;
      await sql.end();
      await database.drop();
      return elapsed;
    },
  };
}

export type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;

/** Resolves once `pairs` says the first pair is live (quotes and routing have a fresh slot), within 15 s. */
async function untilLive(url: string): Promise<void> {
  const { connectClient, ask } = await import('./ws-client.js');
  const client = await connectClient(url);
  try {
    for (let i = 0; i < 150; i++) {
      const reply = await ask(client, { op: 'pairs' });
      if ((reply.pairs as Array<{ live: boolean }> | undefined)?.[0]?.live) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.close();
  }
}
