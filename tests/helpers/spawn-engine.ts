import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './test-engine.js';

/** A real engine process (`src/main.ts` under tsx), as `npm start` runs it, with the given environment. */
export async function spawnEngine(env: Record<string, string>, readyTimeoutMs = 60_000) {
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=64', '--single-threaded-gc', '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine not ready in ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
    const check = () => {
      if (output.includes('dex-order-engine ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`engine exited with ${code} before it was ready:\n${output}`));
    });
  });
  const port = Number(/"port":(\d+),"websocket"/.exec(output)?.[1]);
  return {
    child,
    port,
    exited,
    get output() {
      return output;
    },
    /** Sends a signal and resolves with the exit code. */
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
