import { resolve } from 'node:path';
import { provideServices, type ProvidedServices } from './adapters/embedded/provide-services.js';
import { startApp, type App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { handleShutdown, runShutdown, type ShutdownStep } from './lifecycle.js';
import { createLogger, type Logger } from './log.js';
import { startWorkerThreads } from './threads/host.js';
import { clusterTarget } from './adapters/redis/connect.js';
import { appRoot } from './util/app-root.js';

/** Kept back from the shutdown budget for stopping the embedded Redis and PostgreSQL, last (they may take what is left too). */
const EMBEDDED_STOP_MS = 3_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`dex-order-engine: ${err.message}\n`);
    process.exit(2);
  }
}

/**
 * The process: reads the configuration, provides Redis and PostgreSQL (embedded when no URL is
 * given), starts the app for ROLE (with ROLE=all, the workers in threads of their own), and stops
 * it all on a signal, under SHUTDOWN_TIMEOUT_MS.
 */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  // Signals are handled from the first moment: a stop during start-up still stops what was started.
  let services: Promise<ProvidedServices> | undefined;
  let app: Promise<App> | undefined;
  let threads: ReturnType<typeof startWorkerThreads> | undefined;
  const stop = handleShutdown({
    log,
    budgetMs: config.shutdownTimeoutMs,
    shutdown: async () => {
      const signalledAt = Date.now(); // the budget runs from the signal, through the waits for start-up below
      const running = await app?.catch(() => undefined);
      const workers = await threads?.catch(() => undefined);
      const embedded = await services?.catch(() => undefined);
      const steps: ShutdownStep[] = [
        ...(running?.shutdownPlan(workers?.drain) ?? []),
        ...(embedded ? [{ name: 'stop embedded Redis and PostgreSQL', reserveMs: EMBEDDED_STOP_MS, run: () => embedded.close() }] : []),
      ];
      await runShutdown(steps, config.shutdownTimeoutMs - (Date.now() - signalledAt), log);
    },
  });

  try {
    // A Redis Cluster is named by its seed nodes, in the one string every part and thread is given.
    const redisTarget = config.redisClusterNodes ? clusterTarget(config.redisClusterNodes) : config.redisUrl;
    services = provideServices({ databaseUrl: config.databaseUrl, redisUrl: redisTarget, dataDir: config.dataDir, log });
    const { databaseUrl, redisUrl } = await services;
    // ROLE=all: the gateway keeps the main thread; the workers and the chain run in threads of their own.
    const threaded = config.role === 'all' && config.workerThreads > 0;
    app = startApp({
      config,
      ...(threaded && { parts: ['gateway'] as const }),
      log,
      databaseUrl,
      redisUrl,
      rootDir: appRoot(),
      // Only the embedded default gets a demo account; a real deployment creates keys with `npm run key`.
      ...(!config.databaseUrl && { demoKeyFile: resolve(config.dataDir, 'demo-api-key') }),
      // A scrape while the threads start waits for them; once one has failed, it shows the main thread's metrics alone.
      ...(threaded && { threadMetrics: () => (threads ? threads.then((running) => running.metrics(), () => []) : Promise.resolve([])) }),
    });
    await app;
    if (threaded) {
      threads = startWorkerThreads({
        count: config.workerThreads,
        data: { databaseUrl, redisUrl, rootDir: appRoot() },
        log,
        onFailure: (err) => {
          log.fatal({ err }, 'a worker thread failed');
          stop('worker thread failed', 1);
        },
      });
      await threads;
    }
  } catch (err) {
    log.fatal({ err }, 'failed to start');
    process.stderr.write(`dex-order-engine failed to start: ${describe(err)}\n`);
    stop('start-up failed', 1); // stops whatever did start (embedded Redis/Postgres)
    return;
  }
  announce(config, await app, log);
}

function announce(config: Config, app: App, log: Logger): void {
  const where = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const page = `http://${where}:${app.port}/${app.demoKey ? `?key=${app.demoKey}` : ''}`;
  log.info(
    { role: config.role, page, websocket: `ws://${where}:${app.port}/ws`, auth: config.auth ? 'on' : 'off' },
    `dex-order-engine ready (${config.role}): open ${page}`,
  );
  if (app.demoKey) process.stdout.write(`\nTrade in your browser: ${page}\nAPI key of the local demo account: ${app.demoKey}\n\n`);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `\n  cause: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

void main();
