import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { Part } from '../app.js';
import type { MetricsSnapshot } from '../adapters/prometheus/engine-metrics.js';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './messages.js';

/** How long a scrape waits for a thread's metrics before leaving them out. */
const METRICS_WAIT_MS = 1_000;

/** The part of a thread's close kept for terminating it when its own shutdown overran (at most half of a short close). */
const TERMINATE_MS = 500;
const TERMINATE_MAX_SHARE = 0.5;

/**
 * Starts `count` worker threads (src/threads/entry.ts) and resolves once each has its engine
 * running. A thread that fails calls `onFailure`: the process should stop, as it would if its own
 * workers had crashed. `drain` asks every thread to drain and close, within a deadline.
 */
export async function startWorkerThreads(options: {
  count: number;
  data: Omit<WorkerThreadData, 'index' | 'parts'>;
  log: Logger;
  onFailure: (err: unknown) => void;
}) {
  const { log } = options;
  // The deployment's one chain gets a thread of its own (slots on time, whatever the workers do),
  // then `count` worker threads, then the trigger component's (a slot that crosses thousands of
  // resting orders takes a while to weigh: neither the chain nor the workers wait for it).
  const triggerIndex = options.count + 1;
  const partsOf = (index: number): Part[] => (index === 0 ? ['chain'] : index === triggerIndex ? ['trigger'] : ['worker']);
  const threads = Array.from({ length: options.count + 2 }, (_, index) => {
    const thread = spawnThread({ ...options.data, index, parts: partsOf(index) });
    let closing = false;
    let started = false;
    let exited = false;
    thread.once('exit', () => (exited = true));
    const ready = new Promise<void>((resolve, reject) => {
      thread.on('message', (message: FromWorkerThread) => {
        if (message.type !== 'ready') return;
        started = true;
        resolve();
      });
      thread.once('error', (err) => {
        reject(err);
        if (started && !closing) options.onFailure(err);
      });
      thread.once('exit', (code) => {
        const err = new Error(`worker thread ${index} exited with code ${code}`);
        reject(err);
        if (started && !closing) options.onFailure(err);
      });
    });
    async function close(timeoutMs: number): Promise<void> {
      closing = true;
      if (exited) return;
      const closed = new Promise<void>((resolve) => {
        thread.on('message', (message: FromWorkerThread) => message.type === 'closed' && resolve());
        thread.once('exit', () => resolve());
      });
      // The thread runs its own shutdown plan within its share; what is left is for the terminate.
      const terminateMs = Math.min(TERMINATE_MS, timeoutMs * TERMINATE_MAX_SHARE);
      thread.postMessage({ type: 'close', timeoutMs: timeoutMs - terminateMs } satisfies ToWorkerThread);
      let timer: NodeJS.Timeout | undefined;
      // Its plan ends by timeoutMs - terminateMs; what is left of the close is for the terminate below.
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs - terminateMs)))]);
      clearTimeout(timer);
      await thread.terminate();
    }
    let nextId = 0;
    /** The thread's metrics, or null when it does not answer in time (busy, or closing). */
    function metrics(): Promise<MetricsSnapshot | null> {
      if (exited || closing) return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(null), METRICS_WAIT_MS);
        const onMessage = (message: FromWorkerThread) => message.type === 'metrics' && message.id === id && done(message.snapshot);
        function done(snapshot: MetricsSnapshot | null) {
          clearTimeout(timer);
          thread.off('message', onMessage);
          resolve(snapshot);
        }
        thread.on('message', onMessage);
        thread.postMessage({ type: 'metrics', id } satisfies ToWorkerThread);
      });
    }
    return { ready, close, metrics };
  });
  await Promise.all(threads.map((thread) => thread.ready));
  log.info({ threads: threads.length }, 'worker threads running');
  return {
    /** Every thread's metrics that came in time, to merge into the process's /metrics. */
    metrics: async (): Promise<MetricsSnapshot[]> => (await Promise.all(threads.map((thread) => thread.metrics()))).filter((snapshot) => snapshot !== null),
    /**
     * Closes the worker threads and the trigger component's first (their orders in flight still
     * land, the chain producing slots meanwhile), then the chain's thread.
     */
    drain: async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      const [withChain, ...others] = threads;
      await Promise.all(others.map((thread) => thread.close(timeoutMs)));
      await withChain?.close(Math.max(0, deadline - Date.now()));
    },
  };
}

/**
 * Compiled (dist/), the thread runs entry.js. Run from src/ by tsx (`npm start`), a thread
 * does not inherit tsx's loader, so it registers tsx itself before importing entry.ts.
 */
function spawnThread(workerData: WorkerThreadData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./entry.js', import.meta.url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./entry.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData });
}
