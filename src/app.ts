import { join } from 'node:path';
import { startHttpServer } from './adapters/uws/http-server.js';
import { loadUws } from './adapters/uws/load-uws.js';
import { loadStaticFiles } from './adapters/uws/static-files.js';
import { ConfigError, type Config, type Role } from './config.js';
import { runShutdown, type ShutdownStep } from './lifecycle.js';
import type { Logger } from './log.js';
import { startGateway } from './roles/gateway.js';
import { startChain } from './roles/chain.js';
import { startChainAccess, type ChainAccessOptions } from './roles/chain-access.js';
import { redisKeys, startInfrastructure } from './roles/infrastructure.js';
import { startWorker } from './roles/worker.js';
import { startTrigger } from './roles/trigger.js';
import { clusterNodesOf, connectRedis } from './adapters/redis/connect.js';
import { recordQueueShards } from './adapters/redis/queue-shards.js';
import { withTimeout } from './util/with-timeout.js';
import { createEngineMetrics, type MetricsSnapshot } from './adapters/prometheus/engine-metrics.js';
import { marketNowOf } from './gateway/market-now.js';
import { systemClock } from './adapters/os/system-clock.js';

export interface AppOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Directory holding `sql/` and `web/`. */
  readonly rootDir: string;
  /** Prefix of every Redis key (queue, event stream, chain ledger); defaults to REDIS_PREFIX. */
  readonly namespace?: string;
  /** Where the embedded default keeps its local demo API key (created on first start); unset: no demo account. */
  readonly demoKeyFile?: string;
  /** Overrides the simulated RPC's failure model (tests inject a failure on a chosen attempt). */
  readonly sendFailure?: ChainAccessOptions['sendFailure'];
  /** The parts to run, when not the ones ROLE names (a worker thread of ROLE=all). */
  readonly parts?: readonly Part[];
  /** False for a worker running in a thread of a process whose main thread serves HTTP. */
  readonly serveHttp?: boolean;
  /** The metrics of this process's worker threads, merged into its /metrics (ROLE=all). */
  readonly threadMetrics?: () => Promise<MetricsSnapshot[]>;
}

/**
 * What a process can run: the WebSocket gateway, the worker pool, the one simulated chain, and the
 * trigger component that evaluates resting orders (one instance holds its lease, others stand by).
 */
export type Part = 'gateway' | 'worker' | 'chain' | 'trigger';

/** The parts each ROLE runs: every worker process can take over the trigger component. */
export const PARTS_OF_ROLE: Readonly<Record<Role, readonly Part[]>> = {
  all: ['gateway', 'worker', 'chain', 'trigger'],
  gateway: ['gateway'],
  worker: ['worker', 'trigger'],
  chain: ['chain'],
};

/** Workers that run elsewhere but drain with this process (the worker threads of ROLE=all). */
export type Drain = (timeoutMs: number) => Promise<void>;

/** How long the last events of drained jobs get to reach their sockets before the 1001 close. */
const LAST_EVENTS_MS = 250;

/**
 * The composition root: builds the parts `config.role` asks for (gateway, worker, chain) on shared
 * connections, serves HTTP (page, health, metrics, and `/ws` for a gateway), and returns the one
 * ordered shutdown plan that stops it all. The only module that knows every part.
 */
export async function startApp(options: AppOptions) {
  const { config, log } = options;
  const clock = systemClock;
  const keys = redisKeys(options.namespace ?? config.redisPrefix, { cluster: clusterNodesOf(options.redisUrl) !== null, shards: config.queueShards });
  const parts = new Set(options.parts ?? PARTS_OF_ROLE[config.role]);

  // The thread that serves HTTP also exports the process's own metrics (CPU, memory, event loop).
  const metrics = createEngineMetrics({ processMetrics: options.serveHttp !== false });
  const infra = await startInfrastructure({ name: `dex-${[...parts].join('+')}`, databaseUrl: options.databaseUrl, redisUrl: options.redisUrl, rootDir: options.rootDir, keys, log, metrics, history: config.history });
  if (parts.has('gateway') || parts.has('worker') || parts.has('trigger')) await checkQueueShards(infra, keys, config.queueShards, log);
  // The chain first: workers and gateways read its slots.
  const chain = parts.has('chain') ? startChain({ config, redis: infra.commands, keys, clock, log }) : null;
  const access =
    parts.has('gateway') || parts.has('worker') || parts.has('trigger')
      ? await startChainAccess({
          config,
          commands: infra.commands,
          keys,
          clock,
          log,
          connect: (name) => connectRedis(options.redisUrl, log, name),
          ...(options.sendFailure && { sendFailure: options.sendFailure }),
        })
      : null;
  const worker = parts.has('worker')
    ? startWorker({ config, infra, keys, chain: access!.chain, route: access!.route, market: marketNowOf(access!.marketData), findPair: access!.findPair, clock, log, metrics })
    : null;
  const trigger = parts.has('trigger')
    ? startTrigger({ infra, keys, marketData: access!.marketData, findPair: access!.findPair, clock, log, metrics, connect: (name) => connectRedis(options.redisUrl, log, name) })
    : null;
  const gateway = parts.has('gateway')
    ? await startGateway({
        config,
        databaseUrl: options.databaseUrl,
        redisUrl: options.redisUrl,
        redis: infra.redis,
        commands: infra.commands,
        keys,
        metrics,
        marketData: access!.marketData,
        findPair: access!.findPair,
        clock,
        log,
        ...(options.demoKeyFile && { demoKeyFile: options.demoKeyFile }),
      })
    : null;
  const http =
    options.serveHttp === false
      ? null
      : await startHttpServer({
          uws: loadUws(),
          host: config.host,
          port: config.port,
          log,
          health: infra.health,
          metrics: async () => metrics.render((await options.threadMetrics?.()) ?? []),
          files: gateway ? await loadStaticFiles(join(options.rootDir, 'web')) : new Map(),
          ...(gateway && { gateway: gateway.handlers }),
          onConnectionCount: metrics.connections,
          idleTimeoutSeconds: config.wsIdleTimeoutSeconds,
          maxBufferedBytes: config.wsMaxBufferedBytes,
        });

  /**
   * Shutdown mirrors start-up: stop intake, drain the workers (with `drain`, those running
   * elsewhere), let the last events out, tell clients (1001), close each role, then the shared
   * connections. The drain gets what the later steps do not reserve.
   */
  function shutdownPlan(drain?: Drain): ShutdownStep[] {
    return [
      {
        name: 'stop intake',
        run: () => {
          gateway?.stopIntake();
          http?.stopListening();
        },
      },
      {
        name: 'drain workers and the submits in flight',
        run: (ms) => Promise.allSettled([worker?.drain(ms), drain?.(ms), gateway?.settleSubmits()]),
      },
      ...(gateway && http
        ? [
            {
              name: 'deliver the last events',
              reserveMs: LAST_EVENTS_MS,
              run: () => (http.connections > 0 ? new Promise((resolve) => setTimeout(resolve, LAST_EVENTS_MS)) : undefined),
            },
          ]
        : []),
      { name: 'close WebSockets (1001)', run: () => http?.closeConnections(1001, 'server shutting down') },
      ...(gateway?.shutdownSteps ?? []),
      ...(worker?.shutdownSteps ?? []),
      ...(trigger?.shutdownSteps ?? []),
      ...(access?.shutdownSteps ?? []),
      // The chain stops after the drain: the orders still running land meanwhile.
      ...(chain?.shutdownSteps ?? []),
      ...infra.shutdownSteps,
    ];
  }

  return {
    port: http?.port ?? 0,
    /** This thread's metrics (a worker thread sends them to the main thread on each scrape). */
    metrics,
    /** The chain's market, when this process runs the chain (tests trade against it as another trader would). */
    get market() {
      return chain?.market ?? null;
    },
    demoKey: gateway?.demoKey,
    /** The trigger component, when this process runs it (leading or standing by). */
    trigger,
    health: infra.health,
    shutdownPlan,
    /** Runs the shutdown plan within `timeoutMs` (SHUTDOWN_TIMEOUT_MS by default). */
    close: (timeoutMs = config.shutdownTimeoutMs, drain?: Drain) => runShutdown(shutdownPlan(drain), timeoutMs, log),
  };
}

export type App = Awaited<ReturnType<typeof startApp>>;

/** How long start-up waits for Redis to check QUEUE_SHARDS before going on (a process starts while Redis is down). */
const SHARD_CHECK_MS = 3_000;
const SHARD_RECHECK_MS = 5_000;

/**
 * Every process of a deployment must spread the queue over as many shards as the others, or more:
 * with fewer, start-up is refused. While Redis does not answer, the process starts anyway (it
 * reports Redis down, and serves nothing that needs it) and checks again in the background, then
 * logs a mismatch as an error, since it is running by then.
 */
async function checkQueueShards(infra: Awaited<ReturnType<typeof startInfrastructure>>, keys: ReturnType<typeof redisKeys>, count: number, log: Logger): Promise<void> {
  const check = () => recordQueueShards(infra.commands, keys.queueShards, count);
  const recorded = await withTimeout(check(), SHARD_CHECK_MS).catch(() => 'unknown' as const);
  if (recorded === null) return;
  if (recorded === 'unknown') {
    log.warn({ key: keys.queueShards }, 'could not check QUEUE_SHARDS against the deployment (Redis does not answer); checking again in the background');
    // Bounded (about 10 minutes), so a process that stopped meanwhile is not asked forever.
    let tries = 120;
    const again = async (): Promise<void> => {
      const later = await withTimeout(check(), SHARD_CHECK_MS).catch(() => 'unknown' as const);
      if (later === 'unknown') return void (--tries > 0 && setTimeout(() => void again(), SHARD_RECHECK_MS).unref());
      if (later !== null) log.error({ key: keys.queueShards, queueShards: count, recorded: later }, 'QUEUE_SHARDS is lower here than the deployment\'s: this process leaves the higher shards to the others');
    };
    setTimeout(() => void again(), SHARD_RECHECK_MS).unref();
    return;
  }
  // Refused before anything else started: only the shared connections are to close.
  await runShutdown(infra.shutdownSteps, 2_000, log).catch(() => undefined);
  throw new ConfigError(
    `QUEUE_SHARDS is ${count} here, but this deployment's queue has ${recorded} shards (Redis key ${keys.queueShards}): every process must use at least that many. To lower it, drain the queue, stop every process, and delete the key.`,
  );
}
