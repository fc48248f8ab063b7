import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { startTestEngine, type TestEngine } from './test-engine.js';
import { connectClient, type Client } from './ws-client.js';

export type EngineFixtureOptions = NonNullable<Parameters<typeof startTestEngine>[0]> & {
  /** Pool size of the test's own connection to the engine's database (default 2). */
  readonly sqlMax?: number;
};

/** A running test engine, a socket on its default account, and a connection to its database. */
export interface EngineFixture {
  readonly app: TestEngine;
  readonly sql: postgres.Sql;
  /** A socket opened on the default account's URL at start. */
  readonly client: Client;
  /** Opens another socket (the default account's URL unless told), closed with the fixture. */
  connect(url?: string): Promise<Client>;
  /** Closes the sockets, then the database connection, then the engine. */
  close(): Promise<void>;
}

/** Starts a test engine with a socket and a database connection; the caller closes it. */
export async function openEngine(options: EngineFixtureOptions = {}): Promise<EngineFixture> {
  const { sqlMax = 2, ...engineOptions } = options;
  const app = await startTestEngine(engineOptions);
  const clients: Client[] = [];
  const sql = postgres(app.databaseUrl, { max: sqlMax, onnotice: () => undefined });
  const connect = async (url = app.wsUrl) => {
    const client = await connectClient(url);
    clients.push(client);
    return client;
  };
  const close = async () => {
    for (const client of clients.splice(0)) await client.close();
    await sql.end();
    await app.close();
  };
  try {
    const client = await connect();
    return { app, sql, client, connect, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * One engine for the enclosing `describe`: opened in `beforeAll` (then handed to `onOpen`, which
 * may set the suite's variables or open more sockets) and closed in `afterAll`. Returns a getter.
 */
export function useEngine(options: EngineFixtureOptions = {}, onOpen?: (fixture: EngineFixture) => unknown): () => EngineFixture {
  let fixture: EngineFixture | undefined;
  beforeAll(async () => {
    fixture = await openEngine(options);
    await onOpen?.(fixture);
  });
  afterAll(async () => fixture?.close());
  return () => {
    if (!fixture) throw new Error('the engine is not open: use it inside a test or a hook');
    return fixture;
  };
}
