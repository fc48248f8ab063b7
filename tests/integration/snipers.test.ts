import { execFile } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { useEngine } from '../helpers/engine-fixture.js';
import { ROOT } from '../helpers/test-engine.js';
import { ask, type Message } from '../helpers/ws-client.js';

describe('sniper orders and token launches', () => {
  const engine = useEngine({ env: { MOCK_QUOTE_LATENCY_MS: '0', MOCK_EXEC_LATENCY_MS: '0-50' } });

  /** `npm run chain -- …` as an operator runs it, against this engine's Redis namespace. */
  const chainCommand = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: engine().app.namespace };
      execFile(process.execPath, ['--import', 'tsx', 'scripts/chain.ts', ...args], { cwd: ROOT, env }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('rests snipers until their pair launches; one buys in the first slots within its maxPrice, a greedy one misses and expires', async () => {
    const { client } = engine();
    const expireAt = Date.now() + 12_000;
    const patient = await ask(client, { op: 'submit', type: 'sniper', side: 'buy', pair: 'NEW/USDC', spend: '100', maxPrice: '0.03' });
    const greedy = await ask(client, { op: 'submit', type: 'sniper', side: 'buy', pair: 'NEW/USDC', spend: '100', maxPrice: '0.0199', expireAt });
    expect(patient).toMatchObject({ type: 'ack', status: 'pending' });
    for (const ack of [patient, greedy]) {
      const open = await client.waitFor((m) => m.type === 'order' && m.orderId === ack.orderId && m.status === 'open');
      expect(open).toMatchObject({ orderType: 'sniper', pair: 'NEW/USDC', spend: '100', reason: 'placed', quote: null });
    }
    const before = await ask(client, { op: 'pairs' });
    expect((before.pairs as Array<{ symbol: string }>).map((p) => p.symbol)).not.toContain('NEW/USDC');

    const launched = await chainCommand('launch', 'NEW/USDC', '--price', '0.02', '--liquidity', '50000');
    expect(launched.code, launched.stderr).toBe(0);
    const launchedAt = Date.now();
    const updates = await client.settle(patient.orderId as string, 20_000);
    expect(updates.map((u) => u.status)).toEqual(['pending', 'open', 'routing', 'building', 'submitted', 'confirmed']);
    const routing = updates.find((u) => u.status === 'routing')!;
    expect(Number(routing.price)).toBeLessThanOrEqual(0.03);
    const confirmed = updates.at(-1)!;
    expect(Number(confirmed.executedPrice)).toBeLessThanOrEqual(0.03);
    expect(Number(confirmed.amountIn)).toBeLessThanOrEqual(100);
    // It left room for the climb (25 %): it spent most of what it was given, and got at least what the spend buys at its maxPrice.
    expect(Number(confirmed.amountIn)).toBeGreaterThan(75);
    expect(Number(confirmed.amountOut)).toBeGreaterThanOrEqual(100 / 0.03);
    // It bought in the first slots after the launch (a slot is 400 ms; the command itself takes a moment).
    expect((confirmed.ts as number) - launchedAt).toBeLessThan(4_000);

    // The launch opened at 0.02 and the bots only push it up: the greedy sniper never fills, and expires on time.
    const greedyEnd = await client.waitFor((m: Message) => m.type === 'order' && m.orderId === greedy.orderId && m.status === 'expired', 15_000);
    expect(greedyEnd).toMatchObject({ error: { code: 'EXPIRED' } });
    expect(client.updatesOf(greedy.orderId as string).map((u) => u.status)).toEqual(['pending', 'open', 'expired']);

    const after = await ask(client, { op: 'pairs' });
    expect(after.pairs as Array<Record<string, unknown>>).toContainEqual(expect.objectContaining({ symbol: 'NEW/USDC', live: true, venues: ['raydium', 'meteora'] }));
    // A market order on the launched pair works like on any other.
    const market = await ask(client, { op: 'submit', type: 'market', side: 'sell', pair: 'NEW/USDC', amount: '100' });
    expect((await client.settle(market.orderId as string)).at(-1)!.status).toBe('confirmed');
  }, 40_000);

  it('refuses a sniper whose quote token is not traded here, and one that sells', async () => {
    const { client } = engine();
    expect(await ask(client, { op: 'submit', type: 'sniper', side: 'buy', pair: 'NEW/EUR', spend: '1', maxPrice: '1' })).toMatchObject({ code: 'UNKNOWN_PAIR', field: 'pair' });
    expect(await ask(client, { op: 'submit', type: 'sniper', side: 'sell', pair: 'NEW/USDC', spend: '1', maxPrice: '1' })).toMatchObject({ code: 'INVALID_ORDER', field: 'side' });
  });
});
