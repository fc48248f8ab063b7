import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chainKeys } from '../../src/adapters/redis/chain-keys.js';
import { connectRedis } from '../../src/adapters/redis/connect.js';
import { systemClock } from '../../src/adapters/os/system-clock.js';
import { loadConfig } from '../../src/config.js';
import { runShutdown } from '../../src/lifecycle.js';
import { createLogger } from '../../src/log.js';
import { startChain, type ChainRole, type ChainSnapshot } from '../../src/roles/chain.js';
import { startChainAccess, type ChainAccess } from '../../src/roles/chain-access.js';
import { redisKeys } from '../../src/roles/infrastructure.js';
import { createMarketView } from '../../src/venues/market-view.js';
import { ROOT } from '../helpers/test-engine.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('launches through Redis: the operator command, the chain, and the processes reading its slots', () => {
  const redisUrl = inject('redisUrl');
  const namespace = `launch-test-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ REDIS_URL: redisUrl, REDIS_PREFIX: namespace, CHAIN_SLOT_MS: '100', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error', MOCK_QUOTE_LATENCY_MS: '0' });
  const log = createLogger(config.logLevel);
  const keys = redisKeys(namespace);
  const redis = new Redis(redisUrl);
  let chain: ChainRole;
  let access: ChainAccess;

  /** Runs `npm run chain -- …` as an operator would, against this test's namespace. */
  const command = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: namespace };
      execFile(process.execPath, ['--import', 'tsx', 'scripts/chain.ts', ...args], { cwd: ROOT, env }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const startTheChain = () => startChain({ config, redis, keys, clock: systemClock, log });
  const stopTheChain = () => runShutdown(chain.shutdownSteps, 2_000, log);
  /** Waits until the latest slot satisfies `ready`. */
  async function waitFor<T>(ready: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = ready();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('timed out');
      await sleep(20);
    }
  }

  beforeAll(async () => {
    chain = startTheChain();
    access = await startChainAccess({ config, commands: redis, keys, clock: systemClock, log, connect: (name) => connectRedis(redisUrl, log, name) });
    await waitFor(() => access.marketData.slot() ?? undefined);
  });
  afterAll(async () => {
    await runShutdown([...access.shutdownSteps, ...chain.shutdownSteps], 3_000, log);
    redis.disconnect();
  });

  it('schedules a launch, applies it in the first slot from its due time, publishes it to every reader, and keeps it over a restart', async () => {
    const scheduled = await command('launch', 'NEW/USDC', '--price', '0.02', '--liquidity', '50000', '--in', '2s');
    expect(scheduled.stderr).toBe('');
    expect(scheduled.code).toBe(0);
    const { scheduled: request } = JSON.parse(scheduled.stdout) as { scheduled: { id: string; dueAt: number; venues: string[] } };
    expect(request).toMatchObject({ symbol: 'NEW/USDC', price: 0.02, liquidity: 50_000, venues: ['raydium', 'meteora'] });
    expect(access.findPair('NEW/USDC')).toBeUndefined();

    const spec = await waitFor(() => access.findPair('NEW/USDC'));
    expect(spec).toMatchObject({ symbol: 'NEW/USDC', base: { symbol: 'NEW', decimals: 6 }, quote: { symbol: 'USDC' }, initialPrice: 0.02, venues: ['raydium', 'meteora'] });
    // Applied in the first slot produced from its due time on, and not before.
    const entries = await redis.xrange(chainKeys(namespace).slots, '-', '+');
    const slots = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('state') + 1]!) as { slot: number; ts: number; snapshot: ChainSnapshot });
    const first = slots.find((slot) => slot.snapshot.market.launched?.some((pair) => pair.id === request.id))!;
    expect(first.ts).toBeGreaterThanOrEqual(request.dueAt);
    expect(first.snapshot.market.launched).toMatchObject([{ id: request.id, tick: first.slot, liquidity: 50_000 }]);
    const before = slots.find((slot) => slot.slot === first.slot - 1);
    if (before) expect(before.ts).toBeLessThan(request.dueAt);

    // Every reader of the slots has it: the published view, the live pairs, ticks and quotes.
    const view = createMarketView(slots.at(-1)!.snapshot.market);
    expect(view.venues('NEW/USDC')).toEqual(['raydium', 'meteora']);
    expect(view.pairs.map((pair) => pair.symbol)).toContain('NEW/USDC');
    expect(access.marketData.livePairs().map((pair) => pair.symbol)).toContain('NEW/USDC');
    expect(access.marketData.tick('NEW/USDC')!.venues.map((venue) => venue.dex)).toEqual(['raydium', 'meteora']);
    expect(access.marketData.quote('NEW/USDC', 'buy', 10_000)!.route.pair).toBe('NEW/USDC');
    expect(await redis.zcard(chainKeys(namespace).launchesDue)).toBe(0);

    // A restarted chain carries on with the pair, launched once, at the same slot.
    await stopTheChain();
    const lastSlot = access.marketData.slot()!;
    chain = startTheChain();
    await waitFor(() => ((access.marketData.slot() ?? 0) > lastSlot + 2 ? true : undefined));
    const after = chain.market!.snapshot();
    expect(after.launched?.filter((pair) => pair.spec.symbol === 'NEW/USDC')).toMatchObject([{ id: request.id, tick: first.slot }]);
    expect(access.findPair('NEW/USDC')).toEqual(spec);

    // The listing knows it as launched.
    const listed = JSON.parse((await command('launches')).stdout) as { launched: Array<{ id: string; slot: number }> };
    expect(listed.launched).toEqual([expect.objectContaining({ id: request.id, slot: first.slot })]);
  });

  it('launches on one venue when told, and its ticks and quotes have that venue only', async () => {
    const scheduled = await command('launch', 'SOLO/USDT', '--price', '1.5', '--liquidity', '20000', '--dex', 'meteora');
    expect(scheduled.code).toBe(0);
    await waitFor(() => access.findPair('SOLO/USDT'));
    await waitFor(() => access.marketData.tick('SOLO/USDT') ?? undefined);
    expect(access.marketData.tick('SOLO/USDT')!.venues.map((venue) => venue.dex)).toEqual(['meteora']);
    expect(access.marketData.quote('SOLO/USDT', 'buy', 10)!.quotes.map((quote) => quote.dex)).toEqual(['meteora']);
  });

  it('refuses a launch of a pair that trades or was asked for already, and a bad command line, with clear messages', async () => {
    const defaultPair = await command('launch', 'SOL/USDC', '--price', '140', '--liquidity', '50000');
    expect(defaultPair).toMatchObject({ code: 1, stdout: '' });
    expect(defaultPair.stderr).toContain('SOL/USDC is a default pair');
    await waitFor(() => access.findPair('NEW/USDC'));
    const launched = await command('launch', 'NEW/USDC', '--price', '0.05', '--liquidity', '10000');
    expect(launched).toMatchObject({ code: 1, stdout: '' });
    expect(launched.stderr).toMatch(/NEW\/USDC trades already: launched in slot \d+/);
    expect((await command('launch', 'LATE/USDC', '--price', '0.1', '--liquidity', '10000', '--in', '1h')).code).toBe(0);
    const twice = await command('launch', 'LATE/USDC', '--price', '0.2', '--liquidity', '10000');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('a launch of LATE/USDC was asked for already');
    const listed = JSON.parse((await command('launches')).stdout) as { pending: Array<{ symbol: string; price: number }> };
    expect(listed.pending).toEqual([expect.objectContaining({ symbol: 'LATE/USDC', price: 0.1 })]);
    const bad = await command('launch', 'NEW/USDC', '--price', 'cheap', '--liquidity', '10000');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--price: must be a positive number');
  });
});
