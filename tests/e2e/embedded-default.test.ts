import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/test-engine.js';
import { spawnEngine } from '../helpers/spawn-engine.js';
import { ask, connectClient } from '../helpers/ws-client.js';
import { scrape, valueOf } from '../helpers/prometheus-text.js';

const execute = promisify(execFile);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidIn = (file: string) => Number(readFileSync(file, 'utf8').split('\n')[0]);

describe('the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  let dataDir: string;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts its own Redis and PostgreSQL, trades, stops them all on SIGTERM, and keeps the data for the next start', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dex-embedded-'));
    const env = { DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, PORT: '0', MOCK_QUOTE_LATENCY_MS: '20', MOCK_EXEC_LATENCY_MS: '1500' };
    const first = await spawnEngine(env, 120_000);
    const redisPid = pidIn(join(dataDir, 'redis', 'redis-server.pid'));
    const postgresPid = pidIn(join(dataDir, 'postgres', 'postmaster.pid'));
    expect(alive(redisPid) && alive(postgresPid)).toBe(true);

    // Auth is on by default; the embedded default prints the local demo account's key.
    const key = /API key of the local demo account: (\S+)/.exec(first.output)?.[1];
    expect(key).toMatch(/^dex_/);
    expect(first.output).toContain(`/?key=${key}`);
    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
    const client = await connectClient(`ws://127.0.0.1:${first.port}/ws?key=${key}`);
    client.send({ op: 'submit', reqId: 'keep', clientOrderId: 'kept-across-restarts', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    const ack = await client.waitFor((m) => m.type === 'ack');
    await client.waitFor((m) => m.status === 'submitted');
    // /metrics merges the worker threads' metrics (the order's steps) into the main thread's, process metrics once.
    const samples = await scrape(`http://127.0.0.1:${first.port}`);
    expect(valueOf(samples, 'dex_order_step_seconds_count', { step: 'routing' })).toBe(1);
    expect(valueOf(samples, 'dex_orders_accepted_total')).toBe(1);
    expect(samples.filter((sample) => sample.name === 'process_cpu_user_seconds_total')).toHaveLength(1);
    const exit = first.stop('SIGTERM'); // mid-execution
    const updates = await client.settle(ack.orderId as string);
    expect(updates.at(-1)!.status).toBe('confirmed'); // the running order was drained, not cut off
    expect((await client.closed).code).toBe(1001);
    expect(await exit).toBe(0);
    expect(alive(redisPid)).toBe(false);
    expect(alive(postgresPid)).toBe(false);
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);

    const second = await spawnEngine(env, 120_000);
    try {
      expect(second.output).toContain(`API key of the local demo account: ${key}`); // the same key, kept
      const again = await connectClient(`ws://127.0.0.1:${second.port}/ws?key=${key}`);
      again.send({ op: 'get', reqId: 'g', clientOrderId: 'kept-across-restarts' });
      const state = await again.waitFor((m) => m.reqId === 'g');
      expect(state).toMatchObject({ type: 'order_state', order: { orderId: ack.orderId, status: 'confirmed' } });
      // The operator's launch command finds the embedded Redis by itself (no REDIS_URL), as the README runs it.
      const chainEnv = { ...process.env, REDIS_URL: '', DATA_DIR: dataDir };
      const { stdout } = await execute(process.execPath, ['--import', 'tsx', 'scripts/chain.ts', 'launch', 'EMB/USDC', '--price', '0.5', '--liquidity', '10000'], { cwd: ROOT, env: chainEnv });
      expect(JSON.parse(stdout)).toMatchObject({ scheduled: { symbol: 'EMB/USDC' } });
      // It opens at the end of the next slot; from then on `pairs` lists it and its ticker runs.
      for (let i = 0; i < 50; i++) {
        const pairs = await ask(again, { op: 'pairs' });
        if ((pairs.pairs as Array<{ symbol: string }>).some((pair) => pair.symbol === 'EMB/USDC')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      again.send({ op: 'subscribe', reqId: 't', channel: 'ticker', pair: 'EMB/USDC' });
      expect(await again.waitFor((m) => m.type === 'ticker' && m.pair === 'EMB/USDC')).toMatchObject({ venues: expect.any(Array) });
      await again.close();
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  }, 90_000); // two starts of an embedded PostgreSQL and Redis
});
