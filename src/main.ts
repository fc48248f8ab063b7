import { resolve } from 'node:path';
import { provideServices, type LocalServices } from './adapters/embedded/provide-services.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startEngine, type Engine } from './engine.js';
import { handleShutdown } from './lifecycle.js';
import { createLogger } from './log.js';
import { appRoot } from './util/app-root.js';
import { startWorkerThreads } from './threads/host.js';


function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`dex-order-engine: ${err.message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  // Signals are handled from the first moment: a stop during start-up still stops what was started.
  let services: Promise<LocalServices> | undefined;
  let engine: Promise<Engine> | undefined;
  let threads: ReturnType<typeof startWorkerThreads> | undefined;
  const stop = handleShutdown({
    log,
    timeoutMs: config.shutdownTimeoutMs + 2_000,
    shutdown: async () => {
      const running = await engine?.catch(() => undefined);
      const workers = await threads?.catch(() => undefined);
      await running?.close(Math.round(config.shutdownTimeoutMs * 0.8), workers?.drain);
      const local = await services?.catch(() => undefined);
      await local?.close();
    },
  });

  try {
    services = provideServices({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, dataDir: config.dataDir, log });
    const { databaseUrl, redisUrl } = await services;
    // ROLE=all: the gateway keeps the main thread, the workers run in threads of their own.
    const threaded = config.role === 'all' && config.workerThreads > 0;
    engine = startEngine({
      config: threaded ? { ...config, role: 'gateway' } : config,
      log,
      databaseUrl,
      redisUrl,
      rootDir: appRoot(),
      // Only the embedded default gets a demo account; a real deployment creates keys with `npm run key`.
      ...(!config.databaseUrl && { demoKeyFile: resolve(config.dataDir, 'demo-api-key') }),
    });
    await engine;
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
  const running = await engine;
  const where = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const page = `http://${where}:${running.port}/${running.demoKey ? `?key=${running.demoKey}` : ''}`;
  log.info(
    { role: config.role, page, websocket: `ws://${where}:${running.port}/ws`, auth: config.auth ? 'on' : 'off' },
    `dex-order-engine ready (${config.role}): open ${page}`,
  );
  if (running.demoKey) process.stdout.write(`\nTrade in your browser: ${page}\nAPI key of the local demo account: ${running.demoKey}\n\n`);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `\n  cause: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

void main();
