// Creates and revokes API keys, against the same database the server uses:
//   npm run key -- create --name alice [--account <accountId>]   (the new key alone on the last line)
//   npm run key -- revoke <keyId>
// With no DATABASE_URL it uses the embedded PostgreSQL under DATA_DIR (the running one, or starts it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey } from '../src/accounts/api-key.js';
import { embeddedPostgresUrl, startEmbeddedPostgres } from '../src/adapters/embedded/embedded-postgres.js';
import { EMBEDDED_DATABASE } from '../src/adapters/embedded/provide-services.js';
import { connectPostgres } from '../src/adapters/postgres/connect.js';
import { createAccountStore } from '../src/adapters/postgres/account-store.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import { loadConfig } from '../src/config.js';
import { createLogger, type Logger } from '../src/log.js';
import { appRoot } from '../src/util/app-root.js';

const USAGE = 'usage: npm run key -- create --name <name> [--account <accountId>] | npm run key -- revoke <keyId>';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  // A key id is taken verbatim after `revoke`: ids made before ids avoided a leading `-` may have one.
  if (args[0] === 'revoke' && args.length === 2) args.splice(1, 0, '--');
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string' }, account: { type: 'string' } },
  });
  const [command, keyId] = positionals;
  if (command !== 'create' && command !== 'revoke') return fail(USAGE);
  if (command === 'create' && !values.name?.trim()) return fail(`--name is required\n${USAGE}`);
  if (command === 'revoke' && !keyId) return fail(`the key id is required\n${USAGE}`);

  // A command prints little: warnings unless LOG_LEVEL says otherwise.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const log = createLogger(config.logLevel);
  const { url, close } = await database(config.databaseUrl, resolve(config.dataDir, 'postgres'), log);
  const sql = connectPostgres(url, log, 'dex-key', 2);
  try {
    await migrate(sql, resolve(appRoot(), 'sql'), log);
    const store = createAccountStore(sql);
    if (command === 'revoke') {
      if (!(await store.revokeKey(keyId!))) return fail(`no live key with id ${keyId}`);
      process.stdout.write(`revoked key ${keyId}\n`);
      return 0;
    }
    const created = generateApiKey();
    const ids = await store.createKey({ name: values.name!.trim(), keyId: created.keyId, secretHash: created.secretHash, ...(values.account && { accountId: values.account }) });
    process.stdout.write(`account ${ids.accountId} (${values.name!.trim()})\nkey id ${ids.keyId}\nThe key is shown once and stored only as a hash:\n${created.key}\n`);
    return 0;
  } finally {
    await sql.end({ timeout: 5 });
    await close();
  }
}

/** DATABASE_URL, or the embedded cluster: the running server's (its pid file names the port) or one started for this command. */
async function database(databaseUrl: string | undefined, dir: string, log: Logger) {
  if (databaseUrl) return { url: databaseUrl, close: async () => undefined };
  const running = runningPort(dir);
  if (running) return { url: embeddedPostgresUrl(running, EMBEDDED_DATABASE), close: async () => undefined };
  const started = await startEmbeddedPostgres({ dir, database: EMBEDDED_DATABASE, log });
  return { url: started.url, close: () => started.close() };
}

function runningPort(dir: string): number | null {
  try {
    const lines = readFileSync(resolve(dir, 'postmaster.pid'), 'utf8').split('\n');
    process.kill(Number(lines[0]), 0);
    return Number(lines[3]) || null;
  } catch {
    return null; // no pid file, or its server is gone
  }
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`key: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
