import type { Redis } from 'ioredis';
import { createChainLedger } from '../adapters/redis/chain-ledger.js';
import type { Config, LatencyRange } from '../config.js';
import type { Clock } from '../orders/ports.js';
import { createSimulatedChain, type SendFailure, type SignedTx } from '../venues/chain.js';
import { createMarket } from '../venues/market.js';
import { createRng, hashKey } from '../venues/random.js';
import { createVenueClient } from '../venues/venue-client.js';
import type { RedisKeys } from './infrastructure.js';

export interface SimulationOptions {
  readonly config: Config;
  readonly commands: Redis;
  readonly keys: RedisKeys;
  readonly clock: Clock;
  /** Overrides the simulated RPC's failure model (tests inject a failure on a chosen attempt). */
  readonly sendFailure?: (tx: SignedTx, attempt: number) => SendFailure;
}

/**
 * The simulated venues and chain a worker executes against: the seeded market (Raydium CPMM and
 * Meteora DLMM pools per pair), venue APIs with their quote latency, and the chain whose ledger is
 * shared in Redis. MOCK_* settings shape latency and failures; seeded, so a run can be replayed.
 */
export function createSimulation(options: SimulationOptions) {
  const { config, clock } = options;
  const random = createRng(hashKey(config.mockSeed, process.pid, Date.now()));
  const between = (range: LatencyRange) => range.min + (range.max - range.min) * random();
  const market = createMarket({ seed: config.mockSeed, startMs: clock.now() });
  const ledger = createChainLedger(options.commands, options.keys.chain, { retentionSeconds: config.mockChainRetentionHours * 3600 });
  const chain = createSimulatedChain({
    ledger,
    fill: (tx, atMs) => market.fill(tx.dex, tx.pair, tx.side, tx.amount, tx.limit, atMs) ?? { ok: false, code: 'INSUFFICIENT_LIQUIDITY' },
    landingDelayMs: () => between(config.mockExecLatencyMs),
    sendFailure: options.sendFailure ?? (() => (random() < config.mockFailureRate ? (random() < 0.5 ? 'refused' : 'timeout') : null)),
  });
  const venues = createVenueClient({ market, clock, latencyMs: () => between(config.mockQuoteLatencyMs) });
  return { market, chain, quote: venues.quote };
}

export type Simulation = ReturnType<typeof createSimulation>;
