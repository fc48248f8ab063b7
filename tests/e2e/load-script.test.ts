import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestEngine, type TestEngine } from '../helpers/test-engine.js';

const execute = promisify(execFile);

describe('the load-test script, CI-sized (correctness, not speed)', () => {
  let app: TestEngine;
  let dir: string;
  beforeAll(async () => {
    app = await startTestEngine({ env: { MOCK_QUOTE_LATENCY_MS: '0', MOCK_EXEC_LATENCY_MS: '0', WORKER_CONCURRENCY: '100' } });
    dir = await mkdtemp(join(tmpdir(), 'dex-load-'));
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends 500 orders over 20 connections and finds none lost, duplicated or out of order', async () => {
    const json = join(dir, 'run.json');
    const html = join(dir, 'run.html');
    const { stdout } = await execute(
      'npm',
      ['run', '--silent', 'load', '--', '--url', app.baseWsUrl, '--connections', '20', '--orders', '500', '--rate', '250', '--quiet', '--json', json, '--html', html],
      { cwd: ROOT, env: { ...process.env, DEX_API_KEY: app.account.key }, timeout: 90_000 },
    );
    expect(stdout).toMatch(/lost \(acked, no terminal event\)\s+0/);
    const figures = JSON.parse(await readFile(json, 'utf8'));
    expect(figures).toMatchObject({ sent: 500, acked: 500, confirmed: 500, lost: 0, unanswered: 0, duplicates: 0, outOfOrder: 0, gaps: 0, disconnected: 0, connectionsHeld: 20 });
    expect(figures.ackLatencyMs.count).toBe(500);
    // Every order answered by an ack here: the answers are the acks.
    expect(figures.answerLatencyMs).toEqual(figures.ackLatencyMs);
    expect(figures.refusalLatencyMs.count).toBe(0);
    expect(figures.timeline.reduce((sum: number, s: { sent: number }) => sum + s.sent, 0)).toBe(500);
    // Each second's slowest ack is one of the measured acks: none above the max, the max among them.
    const slowest = figures.timeline.map((s: { ackMaxMs: number }) => s.ackMaxMs);
    expect(Math.max(...slowest)).toBeCloseTo(figures.ackLatencyMs.max, 6);
    expect(slowest.every((ms: number) => ms >= 0 && ms <= figures.ackLatencyMs.max)).toBe(true);
    const report = await readFile(html, 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain('Slowest ack per second');
    expect(report).not.toMatch(/<script|https?:\/\//); // self-contained, opens without a network
  });

  it('counts a refusal as an answer: beyond a tiny capacity, the answers are the acks and the OVERLOADED refusals', async () => {
    // Two orders at a time, each quote 300 ms: a few orders a second, offered 50/s.
    const small = await startTestEngine({ env: { WORKER_CONCURRENCY: '2', MOCK_QUOTE_LATENCY_MS: '300', MOCK_EXEC_LATENCY_MS: '0' } });
    try {
      const json = join(dir, 'overloaded.json');
      const args = ['run', '--silent', 'load', '--', '--url', small.baseWsUrl, '--connections', '5', '--orders', '200', '--rate', '50', '--quiet', '--json', json];
      // Refusals make the script exit non-zero; its report is written all the same.
      await execute('npm', args, { cwd: ROOT, env: { ...process.env, DEX_API_KEY: small.account.key }, timeout: 90_000 }).catch(() => undefined);
      const figures = JSON.parse(await readFile(json, 'utf8'));
      const refused = Object.values(figures.rejected as Record<string, number>).reduce((sum, n) => sum + n, 0);
      expect(figures.rejected.OVERLOADED).toBeGreaterThan(0);
      expect(figures.acked).toBeGreaterThan(0);
      expect(figures).toMatchObject({ sent: 200, lost: 0, unanswered: 0 });
      expect(figures.acked + refused).toBe(200);
      expect(figures.ackLatencyMs.count).toBe(figures.acked);
      expect(figures.answerLatencyMs.count).toBe(200);
      expect(figures.refusalLatencyMs.count).toBe(refused);
    } finally {
      await small.close();
    }
  });

  it('exits non-zero when orders are refused by the server and stops at bad options', async () => {
    await expect(execute('npm', ['run', '--silent', 'load', '--', '--url', app.baseWsUrl, '--orders', '5', '--rate', '0'], { cwd: ROOT })).rejects.toMatchObject({ code: 2 });
    // Without a key the server refuses the connection: the script reports it and fails.
    await expect(
      execute('npm', ['run', '--silent', 'load', '--', '--url', app.baseWsUrl, '--orders', '5', '--quiet'], { cwd: ROOT, env: { ...process.env, DEX_API_KEY: '' }, timeout: 30_000 }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/HTTP 401/) });
  });
});
