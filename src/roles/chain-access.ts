import type { RedisClient as Redis } from '../adapters/redis/connect.js';
import { chainKeys } from '../adapters/redis/chain-keys.js';
import { startSlotStream } from '../adapters/redis/slot-stream.js';
import { createTxLedger } from '../adapters/redis/tx-ledger.js';
import { createChainClient } from '../chain/chain-client.js';
import type { SlotUpdate } from '../chain/ports.js';
import { ChainUnavailableError, type SendFailure, type SignedTx } from '../chain/types.js';
import type { Config, LatencyRange } from '../config.js';
import type { MarketData, MarketTick } from '../gateway/market-data.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { Clock } from '../orders/ports.js';
import { createMarketView, type MarketView } from '../venues/market-view.js';
import { PAIRS } from '../venues/pairs.js';
import { createRng, hashKey } from '../venues/random.js';
import type { PairSpec, RouteDecision, Side } from '../venues/types.js';
import type { ChainSnapshot } from './chain.js';
import type { RedisKeys } from './infrastructure.js';

/** Blocks a blockhash stays valid for, as on Solana. */
const VALID_BLOCKS = 150;
/** Longest a worker waits for a slot when the chain has gone quiet, before the order is put back for later. */
const ROUTE_WAIT_MS = 10_000;

export interface ChainAccessOptions {
  readonly config: Config;
  /** A plain (pipelined) connection for sends and lookups. */
  readonly commands: Redis;
  readonly keys: RedisKeys;
  readonly clock: Clock;
  readonly log: Logger;
  /** Opens the slot stream's own connection (blocking reads). */
  readonly connect: (name: string) => Redis;
  /** Overrides the simulated RPC's failure model (tests inject a failure on a chosen attempt). */
  readonly sendFailure?: (tx: SignedTx, attempt: number) => SendFailure;
}

/**
 * How workers and gateways reach the one chain: its slots (with the pools' state) from the slot
 * stream, quotes computed locally from the latest slot's pools (no round trip per quote), an
 * RPC-shaped client for sends and signature statuses, and `findPair`, which knows the default pairs
 * and every pair launched by the latest slot. MOCK_QUOTE_LATENCY_MS stands for the time
 * an aggregator's quote takes; MOCK_EXEC_LATENCY_MS for a transaction's way to landing.
 */
export async function startChainAccess(options: ChainAccessOptions) {
  const { config, clock, log } = options;
  const keys = chainKeys(options.keys.namespace);
  const slotMs = config.chainSlotMs;
  const staleAfterMs = Math.max(2_000, 5 * slotMs);
  const random = createRng(hashKey(config.mockSeed, process.pid, clock.now()));
  const between = (range: LatencyRange) => range.min + (range.max - range.min) * random();
  const slots = await startSlotStream({ redis: options.connect(`${options.keys.namespace}:slots`), streamKey: keys.slots, log, now: clock.now });

  // One decoded view per slot, made when first asked for (the Amm model: update once, quote often).
  let cached: { update: SlotUpdate; view: MarketView } | null = null;
  const viewOf = (update: SlotUpdate): MarketView => {
    if (cached?.update !== update) cached = { update, view: createMarketView((update.snapshot as ChainSnapshot).market) };
    return cached.view;
  };
  // The launched pairs' specs of a slot, read from its snapshot without decoding any pool.
  let launchedCache: { update: SlotUpdate; specs: Map<string, PairSpec> } | null = null;
  const launchedOf = (update: SlotUpdate): Map<string, PairSpec> => {
    if (launchedCache?.update !== update) {
      const launched = (update.snapshot as ChainSnapshot).market.launched ?? [];
      launchedCache = { update, specs: new Map(launched.map(({ spec }) => [spec.symbol, spec])) };
    }
    return launchedCache.specs;
  };
  const defaults = new Map(PAIRS.map((pair) => [pair.symbol, pair]));

  /** A pair by symbol: a default one, or one launched by the latest slot (a launched pair never goes away). */
  function findPair(symbol: string): PairSpec | undefined {
    const latest = slots.latest();
    return defaults.get(symbol) ?? (latest ? launchedOf(latest).get(symbol) : undefined);
  }
  // Fresh by this process's clock: when the latest slot arrived here, not the chain host's time stamp.
  const fresh = (update: SlotUpdate | null): update is SlotUpdate => update !== null && clock.now() - (slots.latestReceivedAt() ?? 0) <= staleAfterMs;

  async function freshSlot(): Promise<SlotUpdate> {
    const deadline = clock.now() + ROUTE_WAIT_MS;
    for (;;) {
      const latest = slots.latest();
      if (fresh(latest)) return latest;
      if (clock.now() >= deadline) throw new ChainUnavailableError(`no slot from the chain for ${Math.round((clock.now() - (slots.latestReceivedAt() ?? 0)) / 1000)} s`);
      await clock.sleep(Math.min(slotMs, 250));
    }
  }

  const chain = createChainClient({
    ledger: createTxLedger(options.commands, keys, { retentionSeconds: config.mockChainRetentionHours * 3600 }),
    slots,
    slotMs,
    validBlocks: VALID_BLOCKS,
    landingDelayMs: () => between(config.mockExecLatencyMs),
    now: clock.now,
    sendFailure: options.sendFailure ?? (() => (random() < config.mockFailureRate ? (random() < 0.5 ? 'refused' : 'timeout') : null)),
  });

  /** Routes an order against the latest slot's pools, after the quote latency; waits while the chain is quiet. */
  async function route(pair: string, side: Side, amount: number): Promise<RouteDecision | null> {
    const wait = between(config.mockQuoteLatencyMs);
    if (wait > 0) await clock.sleep(wait);
    return viewOf(await freshSlot()).route(pair, side, amount);
  }

  /** The ticks of the pairs `symbols` names (every pair of the slot without it), each with the venues it has pools on. */
  const ticksOf = (update: SlotUpdate, symbols?: readonly string[]): MarketTick[] => {
    // No pair of the slot wanted, no work: its pools are not even decoded.
    if (symbols && !symbols.some((symbol) => defaults.has(symbol) || launchedOf(update).has(symbol))) return [];
    const view = viewOf(update);
    const pairs = symbols ? view.pairs.filter((pair) => symbols.includes(pair.symbol)) : view.pairs;
    return pairs.map((pair) => ({
      pair: pair.symbol,
      slot: update.slot,
      ts: update.ts,
      reference: view.referencePrice(pair.symbol),
      venues: view.venues(pair.symbol).map((dex) => ({ dex, mid: view.midPrice(pair.symbol, dex), liquidity: view.liquidity(pair.symbol, dex) })),
    }));
  };

  const marketData: MarketData = {
    // A stale slot (the chain is down) counts as none: quotes are refused as not available yet, retryably.
    slot: () => {
      const latest = slots.latest();
      return fresh(latest) ? latest.slot : null;
    },
    // Live: the chain is producing and its latest slot has the pair's pools with liquidity in them
    // (launched pairs included, from the slot they launched in).
    livePairs: () => {
      const latest = slots.latest();
      if (!fresh(latest)) return [];
      const view = viewOf(latest);
      return view.pairs.filter((pair) => view.venues(pair.symbol).some((dex) => view.liquidity(pair.symbol, dex) > 0));
    },
    quote(pair, side, amount) {
      const latest = slots.latest();
      if (!fresh(latest)) return null;
      const decision = viewOf(latest).route(pair, side, amount);
      return decision && { slot: latest.slot, quotes: decision.quotes, route: decision.route };
    },
    tick(pair) {
      const latest = slots.latest();
      return latest ? (ticksOf(latest, [pair])[0] ?? null) : null;
    },
    onTicks: (listener, wanted) =>
      slots.onSlot((update) => {
        const ticks = ticksOf(update, wanted?.());
        if (ticks.length > 0) listener(ticks);
      }),
  };

  return {
    chain,
    route,
    marketData,
    findPair,
    shutdownSteps: [closeStep('stop reading the slot stream', () => slots.close())] satisfies ShutdownStep[],
  };
}

export type ChainAccess = Awaited<ReturnType<typeof startChainAccess>>;
