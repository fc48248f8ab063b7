import type { MetricsSnapshot } from '../adapters/prometheus/engine-metrics.js';
import type { Part } from '../app.js';

/** What the main thread tells a worker thread: close, or send your metrics (for a scrape of /metrics). */
export type ToWorkerThread = { type: 'close'; timeoutMs: number } | { type: 'metrics'; id: number };

/** What a worker thread answers: its app is running, it has closed, or its metrics. */
export type FromWorkerThread = { type: 'ready' } | { type: 'closed' } | { type: 'metrics'; id: number; snapshot: MetricsSnapshot };

/** A worker thread's start-up data: the services the main thread provided, and its index. */
export interface WorkerThreadData {
  /** What the thread runs: the chain (the first thread) or a worker pool. */
  readonly parts: readonly Part[];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly rootDir: string;
  readonly index: number;
}
