import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { provideServices } from './adapters/local/provision.js';
import { startEngine } from './engine.js';
import { handleShutdown } from './lifecycle.js';
import { createLogger } from './log.js';

/** The app root (holding sql/ and web/), whether running from src/ with tsx or from dist/src/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'sql')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`dex-order-engine: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const services = await provideServices({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, dataDir: config.dataDir, log });
  let engine;
  try {
    engine = await startEngine({ config, log, databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, rootDir: findRoot() });
  } catch (err) {
    await services.close().catch(() => undefined);
    throw err;
  }
  const running = engine;
  handleShutdown({
    log,
    timeoutMs: config.shutdownTimeoutMs + 5_000,
    shutdown: async () => {
      await running.close();
      await services.close();
    },
  });
  const where = config.host === '0.0.0.0' ? 'localhost' : config.host;
  log.info(
    { role: config.role, page: `http://${where}:${running.port}/`, websocket: `ws://${where}:${running.port}/ws` },
    `dex-order-engine ready (${config.role}): open http://${where}:${running.port}/`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`dex-order-engine failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && err.cause) process.stderr.write(`  cause: ${String((err.cause as Error).message ?? err.cause)}\n`);
  process.exit(1);
});
