import { Worker } from 'node:worker_threads';

export type ToThread = { readonly type: 'close' };
export type FromThread = { readonly type: 'ready' } | { readonly type: 'closed' };

/**
 * Starts the worker thread (worker-entry.ts) and resolves once its BullMQ worker runs. Run by tsx,
 * a thread does not inherit tsx's loader: it registers tsx itself first, as the engine's host does.
 * `onExit` hears of a thread that stops on its own (the process should stop then).
 */
export async function startWorkerThread(onExit: (code: number) => void) {
  const thread = spawnThread();
  let closing = false;
  await new Promise<void>((resolve, reject) => {
    thread.on('message', (message: FromThread) => message.type === 'ready' && resolve());
    thread.once('error', reject);
    thread.once('exit', (code) => {
      reject(new Error(`the worker thread exited with code ${code}`));
      if (!closing) onExit(code);
    });
  });
  return {
    /** Asks the thread to drain and close; terminates it when that takes longer than `timeoutMs`. */
    async close(timeoutMs: number): Promise<void> {
      closing = true;
      const closed = new Promise<void>((resolve) => {
        thread.on('message', (message: FromThread) => message.type === 'closed' && resolve());
        thread.once('exit', () => resolve());
      });
      thread.postMessage({ type: 'close' } satisfies ToThread);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      await thread.terminate();
    },
  };
}

function spawnThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker-entry.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}
