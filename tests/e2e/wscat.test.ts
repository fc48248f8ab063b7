import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestEngine, type TestEngine } from '../helpers/test-engine.js';
import { ask, connectClient } from '../helpers/ws-client.js';

const execute = promisify(execFile);
type Json = Record<string, unknown>;

/** The scripted wscat sessions exactly as the README shows them, in order. */
async function readmeSessions(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  return readme.split('\n').filter((line) => /^sleep \d+ \| npx wscat /.test(line));
}

/** The JSON objects wscat printed (it prefixes received lines with "< " on a terminal, not in a pipe). */
function printed(stdout: string): Json[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/^[<>] /, '').trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Json);
}

describe('the README wscat sessions, run with the real wscat', () => {
  let app: TestEngine;
  let sessions: string[];
  const local = (command: string) => command.replaceAll('localhost:3000', `127.0.0.1:${app.engine.port}`);
  // The sessions read the key from $KEY, as the README sets it.
  const run = (file: string, args: string[], options: { cwd: string; timeout: number }) =>
    execute(file, args, { ...options, env: { ...process.env, KEY: app.account.key } });

  beforeAll(async () => {
    app = await startTestEngine({ env: { MOCK_QUOTE_LATENCY_MS: '200', MOCK_EXEC_LATENCY_MS: '1000-1500' } });
    sessions = await readmeSessions();
  });
  afterAll(async () => app?.close());

  it('documents submit-and-watch, get, cancel, quote, dead-man switch, limit, amend, time in force, stop and sniper sessions', () => {
    expect(sessions).toHaveLength(10);
    expect(sessions.map((line) => /"op":"(\w+)"/.exec(line)?.[1])).toEqual(['submit', 'get', 'submit', 'quote', 'cancelAllAfter', 'submit', 'amend', 'submit', 'submit', 'submit']);
    expect(sessions.map((line) => /"type":"(market|limit|stop|sniper)"/.exec(line)?.[1] ?? null)).toEqual(['market', null, 'market', null, null, 'limit', null, 'limit', 'stop', 'sniper']);
  });

  it('runs the orders-that-wait sessions: a limit rests, is amended, listed and cancelled; IOC and GTD expire; a stop triggers; a sniper buys at its launch', async () => {
    const [, , , , , limit, amend, timeInForce, stop, sniper] = sessions.map(local);
    const rested = printed((await run('sh', ['-c', limit!], { cwd: ROOT, timeout: 60_000 })).stdout);
    const ack = rested.find((m) => m.reqId === 'l1');
    expect(ack).toMatchObject({ type: 'ack', clientOrderId: 'lim-1' });
    expect(rested.find((m) => m.type === 'order' && m.status === 'open')).toMatchObject({ orderType: 'limit', limitPrice: '100', reason: 'placed' });

    const changed = printed((await run('sh', ['-c', amend!], { cwd: ROOT, timeout: 60_000 })).stdout);
    expect(changed.find((m) => m.reqId === 'a1')).toMatchObject({ type: 'amended', orderId: ack!.orderId, seq: 3 });
    // The three requests run at once (only submits are waited for): the list may be answered before or after the cancel.
    const listed = changed.find((m) => m.reqId === 'o1')!;
    expect(listed).toMatchObject({ type: 'orders' });
    const row = (listed.orders as Json[]).find((o) => o.orderId === ack!.orderId);
    // The list runs alongside the amend too: it shows the terms from before or after it.
    if (row) expect(row).toMatchObject({ status: 'open', limitPrice: expect.stringMatching(/^10[01]$/) });
    expect(changed.find((m) => m.reqId === 'c1')).toMatchObject({ type: 'cancelled', orderId: ack!.orderId });
    // Whatever the list saw, the stored history has the amend's new terms, then the cancel.
    const client = await connectClient(app.wsUrl);
    const state = await ask(client, { op: 'get', orderId: ack!.orderId });
    await client.close();
    expect((state.events as Json[]).map((m) => [m.status, m.reason ?? null, m.limitPrice ?? null])).toEqual([
      ['pending', null, null],
      ['open', 'placed', '100'],
      ['open', 'amended', '101'],
      ['cancelled', 'cancelled by the client', null],
    ]);

    const timed = printed((await run('sh', ['-c', timeInForce!], { cwd: ROOT, timeout: 60_000 })).stdout);
    const iocId = timed.find((m) => m.reqId === 'i1')!.orderId;
    const gtdId = timed.find((m) => m.reqId === 'd1')!.orderId;
    expect(timed.filter((m) => m.type === 'order' && m.orderId === iocId).map((m) => [m.status, (m.error as Json | undefined)?.code])).toEqual([['expired', 'LIMIT_NOT_REACHED']]);
    expect(timed.filter((m) => m.type === 'order' && m.orderId === gtdId).map((m) => [m.status, (m.error as Json | undefined)?.code])).toEqual([
      ['open', undefined],
      ['expired', 'EXPIRED'],
    ]);

    const stopped = printed((await run('sh', ['-c', stop!], { cwd: ROOT, timeout: 60_000 })).stdout);
    const stopId = stopped.find((m) => m.reqId === 't1')!.orderId;
    const stopEvents = stopped.filter((m) => m.type === 'order' && m.orderId === stopId);
    expect(stopEvents.map((m) => m.status)).toEqual(['open', 'routing', 'building', 'submitted', 'confirmed']);
    expect(stopEvents[1]).toMatchObject({ triggeredAt: expect.any(Number), price: expect.any(String) });

    // The README's operator command schedules the launch (against this engine's Redis), then the sniper session runs.
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const launchLine = readme.split('\n').find((line) => line.startsWith('npm run chain -- launch '))!;
    await execute('sh', ['-c', launchLine], { cwd: ROOT, timeout: 60_000, env: { ...process.env, REDIS_URL: app.redisUrl, REDIS_PREFIX: app.namespace } });
    const sniped = printed((await run('sh', ['-c', sniper!], { cwd: ROOT, timeout: 60_000 })).stdout);
    const sniperId = sniped.find((m) => m.reqId === 'n1')!.orderId;
    const sniperEvents = sniped.filter((m) => m.type === 'order' && m.orderId === sniperId);
    // It goes at the launch; if the competing snipers pushed the price past its room before it landed, it rests again and retries.
    expect(sniperEvents.slice(0, 2).map((m) => m.status)).toEqual(['open', 'routing']);
    expect(sniperEvents.slice(1, -1).every((m) => m.status !== 'open' || m.reason === 'reopened')).toBe(true);
    expect(sniperEvents.at(-1)!.status).toBe('confirmed');
    expect(Number(sniperEvents.at(-1)!.executedPrice)).toBeLessThanOrEqual(0.05);
  }, 120_000);

  it('runs the quote and dead-man switch sessions: a split quote, the switch armed, everything cancelled, the switch disarmed', async () => {
    const [, , , quote, deadMan] = sessions.map(local);
    const quoted = printed((await run('sh', ['-c', quote!], { cwd: ROOT, timeout: 60_000 })).stdout).find((m) => m.reqId === 'q1');
    expect(quoted).toMatchObject({ type: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '5000', best: 'split' });
    expect(quoted!.quotes as Json[]).toHaveLength(2);
    expect(quoted!.route as Json[]).toHaveLength(2);

    const replies = printed((await run('sh', ['-c', deadMan!], { cwd: ROOT, timeout: 60_000 })).stdout);
    expect(replies.find((m) => m.reqId === 'dms')).toMatchObject({ type: 'cancel_all_after' });
    expect(replies.find((m) => m.reqId === 'dms')!.triggerAt as number).toBeGreaterThan(Date.now());
    expect(replies.find((m) => m.reqId === 'ca')).toMatchObject({ type: 'cancelled_all' });
    expect(replies.find((m) => m.reqId === 'off')).toMatchObject({ type: 'cancel_all_after', triggerAt: 0 });
  });

  it('runs them in order: the order streams to confirmed, get reads it back, and the second order is cancelled', async () => {
    const [submit, get, cancel] = sessions.map(local);

    const watched = printed((await run('sh', ['-c', submit!], { cwd: ROOT, timeout: 60_000 })).stdout);
    const ack = watched.find((m) => m.type === 'ack');
    expect(ack).toMatchObject({ status: 'pending', seq: 1, clientOrderId: 'my-1' });
    expect(watched.filter((m) => m.orderId === ack!.orderId).map((m) => m.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);

    const state = printed((await run('sh', ['-c', get!], { cwd: ROOT, timeout: 60_000 })).stdout).find((m) => m.reqId === 'g1');
    expect(state).toMatchObject({ type: 'order_state', order: { orderId: ack!.orderId, status: 'confirmed' } });
    expect((state!.events as Json[]).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);

    const cancelled = printed((await run('sh', ['-c', cancel!], { cwd: ROOT, timeout: 60_000 })).stdout);
    expect(cancelled.find((m) => m.reqId === 's2')).toMatchObject({ type: 'ack', clientOrderId: 'my-2' });
    expect(cancelled.find((m) => m.reqId === 'c2')).toMatchObject({ type: 'cancelled' });
    expect(cancelled.some((m) => m.type === 'order' && m.status === 'cancelled')).toBe(true);
  });

  it('answers an interactive session typed line by line', async () => {
    const child = spawn('npx', ['wscat', '-c', `ws://127.0.0.1:${app.engine.port}/ws?key=${app.account.key}`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const until = async (text: string) => {
      for (let i = 0; i < 100 && !out.includes(text); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(out).toContain(text);
    };
    await until('"type":"hello"');
    child.stdin.write('{"op":"pairs","reqId":"p"}\n');
    await until('"reqId":"p"');
    child.stdin.write('{"op":"list","reqId":"l","limit":2}\n');
    await until('"reqId":"l"');
    child.stdin.write('{"op":"ping","reqId":"hb"}\n');
    await until('"reqId":"hb"');
    child.stdin.end(); // wscat quits when its stdin closes
    await new Promise((resolve) => child.once('exit', resolve));
    const replies = printed(out);
    expect(replies.find((m) => m.reqId === 'p')).toMatchObject({ type: 'pairs' });
    expect(replies.find((m) => m.reqId === 'l')).toMatchObject({ type: 'orders' });
    expect((replies.find((m) => m.reqId === 'l')!.orders as Json[]).length).toBe(2);
    expect(replies.find((m) => m.reqId === 'hb')).toMatchObject({ type: 'pong' });
  });
});
