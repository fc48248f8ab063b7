import type { Part } from '../app.js';

/** What the main thread tells a worker thread. */
export type ToWorkerThread = { type: 'close'; timeoutMs: number };

/** What a worker thread answers: its app is running, or it has closed. */
export type FromWorkerThread = { type: 'ready' } | { type: 'closed' };

/** A worker thread's start-up data: the services the main thread provided, and its index. */
export interface WorkerThreadData {
  /** What the thread runs: the chain (the first thread) or a worker pool. */
  readonly parts: readonly Part[];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly rootDir: string;
  readonly index: number;
}
