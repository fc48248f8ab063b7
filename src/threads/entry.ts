import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config.js';
import { startEngine } from '../engine.js';
import { createLogger } from '../log.js';
import { niceThisThread } from '../adapters/os/thread-priority.js';

/** What the main thread tells a worker thread, and what it answers. */
export type ToWorkerThread = { type: 'close'; timeoutMs: number };
export type FromWorkerThread = { type: 'ready' } | { type: 'closed' };
export interface WorkerThreadData {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly rootDir: string;
  readonly index: number;
}

/**
 * A worker pool in a thread of its own (ROLE=all): the same engine as ROLE=worker, without HTTP.
 * The gateway keeps the main thread's event loop to itself, so acks never wait behind order
 * processing, and the engine's JavaScript runs on two cores instead of one. The thread runs at a
 * lower CPU priority (WORKER_THREAD_NICE), so on a busy machine the gateway's acks come first.
 */
async function run(): Promise<void> {
  const port = parentPort!;
  const { databaseUrl, redisUrl, rootDir, index } = workerData as WorkerThreadData;
  const config = { ...loadConfig(), role: 'worker' as const };
  const log = createLogger(config.logLevel).child({ thread: `worker-${index}` });
  // Intake first: when the cores are busy, the gateway thread (acks) runs before order processing.
  niceThisThread(config.workerThreadNice, log);
  const engine = await startEngine({ config, log, databaseUrl, redisUrl, rootDir, serveHttp: false });
  port.on('message', (message: ToWorkerThread) => {
    if (message.type !== 'close') return;
    void engine.close(message.timeoutMs).finally(() => {
      log.flush();
      port.postMessage({ type: 'closed' } satisfies FromWorkerThread);
    });
  });
  port.postMessage({ type: 'ready' } satisfies FromWorkerThread);
}

if (!isMainThread) void run();
