import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { niceThisThread } from '../adapters/os/thread-priority.js';
import { startApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './messages.js';

/**
 * A worker pool, or the chain, in a thread of its own (ROLE=all): the same app as ROLE=worker or
 * ROLE=chain, without HTTP.
 * The gateway keeps the main thread's event loop to itself, so acks never wait behind order
 * processing, and the engine's JavaScript runs on two cores instead of one. The thread runs at a
 * lower CPU priority (WORKER_THREAD_NICE), so on a busy machine the gateway's acks get the larger
 * share of the cores (not all of it: at nice 10 the workers starved, see docs/performance.md).
 */
async function run(): Promise<void> {
  const port = parentPort!;
  const { parts, databaseUrl, redisUrl, rootDir, index } = workerData as WorkerThreadData;
  const config = { ...loadConfig(), role: 'worker' as const };
  const log = createLogger(config.logLevel).child({ thread: `worker-${index}` });
  // Order processing gives the gateway's acks the larger share; the chain's slots keep their time.
  if (parts.includes('worker') || parts.includes('trigger')) niceThisThread(config.workerThreadNice, log);
  const app = await startApp({ config, log, databaseUrl, redisUrl, rootDir, parts, serveHttp: false });
  port.on('message', (message: ToWorkerThread) => {
    if (message.type === 'metrics') {
      // A snapshot that fails is left out of that scrape (the main thread waits a second at most).
      void app.metrics
        .snapshot()
        .then((snapshot) => port.postMessage({ type: 'metrics', id: message.id, snapshot } satisfies FromWorkerThread))
        .catch((err: unknown) => log.warn({ err }, 'could not collect this thread\'s metrics'));
      return;
    }
    void app.close(message.timeoutMs).finally(() => {
      log.flush();
      port.postMessage({ type: 'closed' } satisfies FromWorkerThread);
    });
  });
  port.postMessage({ type: 'ready' } satisfies FromWorkerThread);
}

if (!isMainThread) void run();
