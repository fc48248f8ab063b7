import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { ROOT, startTestEngine } from '../helpers/test-engine.js';

describe('the example bot (examples/ladder-bot.mjs)', () => {
  it('places its ladder of limit orders, keeps the dead-man switch armed, and cancels everything and disarms it when it stops', async () => {
    const app = await startTestEngine({ env: { AUTH: 'on' } });
    const sql = postgres(app.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      const args = ['run', '--silent', 'bot', '--', '--url', app.baseWsUrl, '--key', app.account.key, '--levels', '2', '--step-bps', '500', '--duration', '4'];
      const bot = spawn('npm', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // While it runs: both sides' levels rest, and the switch is armed for its account.
      await expect
        .poll(async () => (await sql<{ count: string }[]>`select count(*) from orders where account_id = ${app.account.accountId} and status = 'open'`)[0]!.count, { timeout: 10_000 })
        .toBe('4');
      const armed = await sql`select trigger_at from cancel_all_after where account_id = ${app.account.accountId}`;
      expect(armed).toHaveLength(1);
      const code = await new Promise<number | null>((resolve) => bot.once('exit', resolve));
      expect(code, output).toBe(0);
      expect(output).toMatch(/laddering SOL\/USDC: 2 levels a side/);
      expect(output).toMatch(/stopped: 4 orders cancelled, switch disarmed \(\d+ re-quotes\)/);
      const sides = await sql<{ side: string; type: string; status: string }[]>`select side, type, status from orders where account_id = ${app.account.accountId}`;
      expect(sides.filter((order) => order.side === 'buy')).toHaveLength(2);
      expect(sides.every((order) => order.type === 'limit' && order.status === 'cancelled')).toBe(true);
      expect(await sql`select 1 from cancel_all_after where account_id = ${app.account.accountId}`).toHaveLength(0);
    } finally {
      await sql.end();
      await app.close();
    }
  });
});
