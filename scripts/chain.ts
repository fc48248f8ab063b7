// Operates the simulated chain through its Redis keys, as the engine uses them:
//   npm run chain -- launch NEW/USDC --price 0.02 --liquidity 50000 [--dex raydium] [--in 30s]
//   npm run chain -- launches
// Prints JSON. Exits 0 when done, 1 when refused (the pair exists or was asked for already) or
// Redis cannot be reached, 2 on a bad command line.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { chainKeys } from '../src/adapters/redis/chain-keys.js';
import { createLaunchQueue } from '../src/adapters/redis/chain-launches.js';
import { createChainStore } from '../src/adapters/redis/chain-store.js';
import type { LaunchRequest } from '../src/chain/types.js';
import { loadConfig, type Config } from '../src/config.js';
import type { ChainSnapshot } from '../src/roles/chain.js';
import { redisKeys } from '../src/roles/infrastructure.js';
import { PAIRS } from '../src/venues/pairs.js';
import { DEXES, type LaunchedPair } from '../src/venues/types.js';
import { parseCommand, USAGE, UsageError, type ChainCommand } from './chain/options.js';

async function main(): Promise<number> {
  let command: ChainCommand;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(err.message ? `chain: ${err.message}\n${USAGE}\n` : `${USAGE}\n`);
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const nodes = config.redisClusterNodes;
  const url = nodes ? nodes.map((node) => `${node.host}:${node.port}`).join(',') : (config.redisUrl ?? embeddedRedisUrl(config));
  if (!url) return fail('no Redis: set REDIS_URL (or REDIS_CLUSTER_NODES), or start the engine with its embedded Redis (npm start) first');
  // A command fails fast instead of waiting through reconnects.
  const fast = { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 } as const;
  const redis = nodes
    ? new Cluster(nodes, { lazyConnect: true, redisOptions: fast, clusterRetryStrategy: () => null })
    : new Redis(url, { ...fast, retryStrategy: () => null });
  // The connection's errors are reported once, by the command that fails on them.
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  try {
    try {
      await redis.connect();
    } catch (err) {
      return fail(`cannot reach Redis at ${url}: ${lastError?.message ?? (err instanceof Error ? err.message : String(err))}`);
    }
    const keys = chainKeys(redisKeys(config.redisPrefix).namespace);
    const queue = createLaunchQueue(redis, keys);
    const state = await createChainStore(redis, keys, { retentionSeconds: config.mockChainRetentionHours * 3600 }).loadState();
    const launched = (state?.snapshot as ChainSnapshot | undefined)?.market.launched ?? [];
    if (command.command === 'launches') return print(listing(await queue.list(), launched));

    const { symbol, price, liquidity, dex } = command;
    // Checked against the latest slot here; the chain ignores a launch of a pair that exists by the time it applies it.
    if (PAIRS.some((pair) => pair.symbol === symbol)) return fail(`${symbol} is a default pair: it trades already`);
    const earlier = launched.find((pair) => pair.spec.symbol === symbol);
    if (earlier) return fail(`${symbol} trades already: launched in slot ${earlier.tick} (launch ${earlier.id})`);
    const now = Date.now();
    const request: LaunchRequest = { id: randomUUID(), symbol, price, liquidity, venues: dex ? [dex] : [...DEXES], dueAt: now + command.in, requestedAt: now };
    const result = await queue.schedule(request);
    if (!result.scheduled) {
      const first = result.existing;
      return fail(`a launch of ${symbol} was asked for already${first ? ` (launch ${first.id}, due ${new Date(first.dueAt).toISOString()})` : ''}`);
    }
    return print({ scheduled: request, due: new Date(request.dueAt).toISOString(), namespace: config.redisPrefix });
  } finally {
    redis.disconnect();
  }
}

/** Every launch by where it stands: queued, applied (with its slot), ignored (its pair existed when it came due), and the random ones. */
function listing(requests: Awaited<ReturnType<ReturnType<typeof createLaunchQueue>['list']>>, launched: readonly LaunchedPair[]) {
  const applied = new Map(launched.map((pair) => [pair.id, pair]));
  const summary = (pair: LaunchedPair) => ({ id: pair.id, symbol: pair.spec.symbol, slot: pair.tick, price: pair.spec.initialPrice, liquidity: pair.liquidity, venues: pair.spec.venues });
  return {
    pending: requests.filter(({ queued }) => queued).map(({ request }) => request),
    launched: launched.filter((pair) => !pair.id.startsWith('random:')).map(summary),
    random: launched.filter((pair) => pair.id.startsWith('random:')).map(summary),
    ignored: requests.filter(({ queued, request }) => !queued && !applied.has(request.id)).map(({ request }) => request),
  };
}

/** The embedded Redis that `npm start` runs (no REDIS_URL): its pid file names the process, whose command line names the port. */
function embeddedRedisUrl(config: Config): string | null {
  try {
    const pid = Number(readFileSync(resolve(config.dataDir, 'redis', 'redis-server.pid'), 'utf8'));
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!args[0]?.includes('redis-server')) return null;
    // A running redis-server retitles itself "redis-server HOST:PORT"; before that its arguments say --port.
    const titled = /redis-server\s+[\d.]+:(\d+)/.exec(args.join(' '))?.[1];
    const at = args.indexOf('--port');
    const port = titled ?? (at >= 0 ? args[at + 1] : undefined);
    return port ? `redis://127.0.0.1:${port}` : null;
  } catch {
    return null; // no pid file, no such process, or no /proc: no embedded Redis to find
  }
}

function print(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value)}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`chain: ${message}\n`);
  return 1;
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`chain: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
