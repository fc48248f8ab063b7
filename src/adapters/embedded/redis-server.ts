import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Logger } from '../../log.js';
import { freePort } from './free-port.js';

export interface LocalRedis {
  readonly url: string;
  close(): Promise<void>;
}

const HOW_TO =
  'redis-server is not installed: install it (macOS: `brew install redis`; Debian/Ubuntu: `sudo apt-get install redis-server`), or set REDIS_URL, or run `docker compose up`';

/**
 * Finds `redis-server` on PATH. If it is missing on Debian/Ubuntu and we are root, installs it
 * with apt-get (saying so first), as redis-memory-server does for its users; anywhere else it
 * stops with a one-line how-to.
 */
export function ensureRedisServer(log: Logger): string {
  const found = which('redis-server');
  if (found) return found;
  const debian = process.platform === 'linux' && existsSync('/etc/debian_version');
  const root = process.getuid?.() === 0;
  if (!debian || !root || !which('apt-get')) throw new Error(HOW_TO);
  log.warn('redis-server is not installed; installing the Debian package with `apt-get install -y redis-server` (running as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', 'redis-server']]) {
    const run = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${run.stderr.trim().split('\n').pop()}); ${HOW_TO}`);
  }
  const installed = which('redis-server');
  if (!installed) throw new Error(`apt-get installed redis-server but it is not on PATH; ${HOW_TO}`);
  log.info({ path: installed }, 'redis-server installed');
  return installed;
}

/** Longest wait for redis-server to be ready (it first replays its append-only file). */
const START_TIMEOUT_MS = 120_000;

/**
 * Starts `redis-server` on a free loopback port with its data in `dir` and append-only persistence
 * on, waits until it accepts connections, and returns its URL. A server left behind by a crashed run
 * on the same directory is stopped first: two servers must never share one append-only file.
 */
export async function startRedisServer(options: {
  dir: string;
  log: Logger;
  appendOnly?: boolean;
  /** A fixed port (a cluster node restarted on its own port); a free one by default. */
  port?: number;
  /** More redis-server arguments (the tests' cluster nodes: `--cluster-enabled yes`, …). */
  extraArgs?: readonly string[];
}): Promise<LocalRedis> {
  const { dir, log } = options;
  const binary = ensureRedisServer(log);
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, 'redis-server.pid');
  await stopStale(pidFile, log);
  const port = options.port ?? (await freePort());
  const child = spawn(
    binary,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', options.appendOnly === false ? 'no' : 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      // Redis rewrites its append-only file each time it doubles, from 64 MB by default. The chain
      // ledger keeps every transaction for days, so under load each rewrite copies a growing
      // dataset (four rewrites in a 30 s run at 3,300 orders/s, the last of 135 MB, each a fork and
      // a write of the whole dataset beside the engine). From 1 GB they are rare. The cost: the
      // file may take up to about 2 GB of disk, and a restart replays all of it (slower start-up).
      '--auto-aof-rewrite-min-size', '1gb',
      '--daemonize', 'no',
      '--logfile', '',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    // Redis is ready only once it has replayed its append-only file, which may be up to a few GB
    // (rewrites start from 1 GB, below): that can take a minute on a small machine.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`redis-server was not ready within ${START_TIMEOUT_MS / 1000} s: ${output.slice(-500)}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${output.slice(-500)}`));
    });
  });
  await ready;
  await writeFile(pidFile, String(child.pid));
  log.info({ port, dir, pid: child.pid }, 'redis-server running');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort if this process dies without closing us: never leave a server on the data directory.
  const onExit = () => child.exitCode === null && child.kill('SIGTERM');
  process.on('exit', onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    async close() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null) child.kill('SIGTERM'); // SIGTERM makes redis flush the append-only file
      await exited;
    },
  };
}

async function stopStale(pidFile: string, log: Logger): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0 || !isRedis(pid)) return;
  log.warn({ pid }, 'stopping a redis-server left running on this data directory');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isRedis(pid); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
}

function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return false; // no such process (or no /proc): nothing to stop
  }
}

function which(command: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/local/bin', '/usr/bin', '/usr/sbin', '/bin']);
  return dirs.map((dir) => join(dir, command)).find((path) => existsSync(path));
}
