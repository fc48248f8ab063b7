import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestEngine, type TestEngine } from '../helpers/test-engine.js';

const run = promisify(execFile);

/** The scripted wscat sessions exactly as the README shows them (lines in ```sh blocks that pipe into wscat). */
async function readmeSessions(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  return readme.split('\n').filter((line) => /^sleep \d+ \| npx wscat /.test(line));
}

describe('the README wscat sessions, run with the real wscat', () => {
  let app: TestEngine;
  beforeAll(async () => {
    app = await startTestEngine({ env: { MOCK_QUOTE_LATENCY_MS: '200', MOCK_EXEC_LATENCY_MS: '1000-1500' } });
  });
  afterAll(async () => app?.close());

  it('finds the documented session', async () => {
    expect((await readmeSessions()).length).toBeGreaterThanOrEqual(1);
  });

  it('submit-and-watch prints the ack and every event up to confirmed', async () => {
    const [command] = await readmeSessions();
    const local = command!.replaceAll('localhost:3000', `127.0.0.1:${app.engine.port}`);
    const { stdout } = await run('sh', ['-c', local], { cwd: ROOT, timeout: 60_000 });
    const messages = stdout
      .split('\n')
      .map((line) => line.replace(/^< /, '').trim())
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ack = messages.find((m) => m.type === 'ack');
    expect(ack).toMatchObject({ status: 'pending', seq: 1 });
    const statuses = messages.filter((m) => m.orderId === ack!.orderId).map((m) => m.status);
    expect(statuses).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
  });
});
