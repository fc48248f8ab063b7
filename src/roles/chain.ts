import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../adapters/redis/connect.js';
import { base58 } from '../adapters/os/random-ids.js';
import { chainKeys } from '../adapters/redis/chain-keys.js';
import { createChainStore } from '../adapters/redis/chain-store.js';
import { createChainMarket, type ChainSnapshot } from '../chain/chain-market.js';
import { createRandomLaunches } from '../chain/random-launches.js';
import { createSlotProducer, type ChainMarket } from '../chain/slot-producer.js';
import type { SlotUpdate } from '../chain/ports.js';
import type { Config } from '../config.js';
import { closeStep, type ShutdownStep } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { Clock } from '../orders/ports.js';
import { createMarket, type Market } from '../venues/market.js';
import type { RedisKeys } from './infrastructure.js';

/** The lease outlives this many slots without a renewal; then a standby chain takes over. */
const LEASE_SLOTS = 5;
/** Most transactions one slot lands; the rest land in the next slots. */
const MAX_TX_PER_SLOT = 10_000;

export type { ChainSnapshot } from '../chain/chain-market.js';

export interface ChainDeps {
  readonly config: Config;
  /** A plain (pipelined) connection: the chain's commands are short scripts. */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * The chain role: exactly one slot producer per deployment (a second one stands by on the lease)
 * owning the Raydium and Meteora pools, their dynamics, slots and blockhashes, landing the
 * transactions workers send, and launching new pairs (asked for with `npm run chain -- launch`, or
 * at random with CHAIN_RANDOM_LAUNCH_EVERY_MS). Its state is in Redis, committed with every slot,
 * so a restarted chain continues from the same prices and pairs and still knows every signature it landed.
 */
export function startChain(deps: ChainDeps) {
  const { config, clock } = deps;
  const log = deps.log.child({ role: 'chain' });
  const slotMs = config.chainSlotMs;
  let market: Market | null = null;

  const toChainMarket = (state: SlotUpdate | null): ChainMarket => {
    const saved = state?.snapshot as ChainSnapshot | undefined;
    const genesisMs = saved?.genesisMs ?? clock.now() - (state?.slot ?? 0) * slotMs;
    // The market steps one tick a slot, on the tick length it was created with (a restart with
    // another CHAIN_SLOT_MS changes how often slots come, not how far the market moves in one).
    const tickMs = saved?.market.tickMs ?? slotMs;
    if (tickMs !== slotMs) log.warn({ tickMs, slotMs }, 'CHAIN_SLOT_MS differs from the one this chain started with; the market keeps its tick');
    const built = createMarket({ seed: config.mockSeed, startMs: genesisMs, tickMs: slotMs, ...(saved && { from: saved.market }) });
    market = built;
    return createChainMarket({ market: built, genesisMs, tickMs, slot: state?.slot ?? 0 });
  };

  const ownerId = randomUUID();
  const store = createChainStore(deps.redis, chainKeys(deps.keys.namespace), { retentionSeconds: config.mockChainRetentionHours * 3600 });
  const producer = createSlotProducer({
    store,
    market: toChainMarket,
    ownerId,
    leaseMs: LEASE_SLOTS * slotMs,
    maxTxPerSlot: MAX_TX_PER_SLOT,
    blockhash: (slot) => base58(createHash('sha256').update(`${config.mockSeed}:${slot}`).digest()),
    randomLaunch: createRandomLaunches({ seed: config.mockSeed, slotMs, everyMs: config.chainRandomLaunchEveryMs }),
    now: clock.now,
    log,
  });

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  const tick = async () => {
    try {
      await producer.produce();
      if (failing) log.info('producing slots again');
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err }, 'could not produce a slot; retrying every slot');
      failing = true;
    }
  };
  // Slots on a fixed grid from the start, so a slow slot does not push every later one back.
  const startedAt = clock.now();
  const schedule = () => {
    if (stopped) return;
    const nextAt = startedAt + (Math.floor((clock.now() - startedAt) / slotMs) + 1) * slotMs;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, nextAt - clock.now());
  };
  running = tick().finally(schedule);

  return {
    /** The chain's market in memory (null while this process stands by): tests use it as another trader would. */
    get market(): Market | null {
      return producer.slot === null ? null : market;
    },
    shutdownSteps: [
      closeStep('stop producing slots', async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
        // The next chain (a restart, a standby) takes over at once instead of waiting the lease out.
        await store.release(ownerId);
      }),
    ] satisfies ShutdownStep[],
  };
}

export type ChainRole = ReturnType<typeof startChain>;
