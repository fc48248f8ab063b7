// The ceiling's worker thread (as the engine's ROLE=all runs its workers beside the gateway's main
// thread): its own PostgreSQL pool and Redis connections, at the engine's lower thread priority.
import { isMainThread, parentPort } from 'node:worker_threads';
import { niceThisThread } from '../../src/adapters/os/thread-priority.js';
import { connectPostgres } from '../../src/adapters/postgres/connect.js';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { createLogger } from '../../src/log.js';
import { loadCeilingConfig } from './config.js';
import { startOrderWorker } from './order-worker.js';
import type { FromThread, ToThread } from './worker-host.js';

async function run(): Promise<void> {
  const port = parentPort!;
  const config = loadCeilingConfig();
  const log = createLogger(config.logLevel).child({ part: 'ceiling', thread: 'worker' });
  niceThisThread(config.workerThreadNice, log);
  const sql = connectPostgres(config.databaseUrl, log, 'dex-ceiling-worker', 10);
  const connection = connectRedis(config.redisUrl, log, 'ceiling:worker');
  const commands = connectRedis(config.redisUrl, log, 'ceiling:commands', { autoPipelining: true });
  const worker = startOrderWorker({ sql, connection, commands, keys: config.keys, statusGroups: config.statusGroups, lingerMs: config.lingerMs, concurrency: config.workerConcurrency, log });
  port.on('message', (message: ToThread) => {
    if (message.type !== 'close') return;
    void (async () => {
      await worker.close().catch((err: unknown) => log.warn({ err }, 'worker close failed'));
      await Promise.all([connection.quit(), commands.quit()]).catch(() => undefined);
      await sql.end({ timeout: 2 });
      log.flush();
      port.postMessage({ type: 'closed' } satisfies FromThread);
    })();
  });
  port.postMessage({ type: 'ready' } satisfies FromThread);
}

if (!isMainThread) void run();
