import { launchPairSpec } from './launch.js';
import { createPairDynamics, type PairDynamics } from './pair-dynamics.js';
import type { LaunchedPair, LaunchResult, LaunchSpec, MarketSnapshot, PairSpec } from './types.js';

/** One pair of a market: its spec, its world, and its launch when it was launched. */
export interface MarketPair {
  readonly spec: PairSpec;
  readonly world: PairDynamics;
  readonly launched?: LaunchedPair;
}

/**
 * The pairs of a market or view by symbol, in a stable order (the given specs, then the launched
 * pairs in launch order), built from a snapshot when there is one: a given spec's pair missing from
 * it starts at its initial price; a launched one comes with its own spec, and its pools must be in it.
 */
export function createMarketPairs(options: { specs: readonly PairSpec[]; seed: number | string; tickMs: number; from?: MarketSnapshot; fresh: boolean }) {
  const { seed, tickMs, from } = options;
  const pairs = new Map<string, MarketPair>();
  const saved = (symbol: string) => from?.pairs.find((pair) => pair.symbol === symbol);
  const launchedIds = new Set<string>();

  // A launched pair that later became a default one keeps its launched spec: its pools were made from it.
  const launchedSymbols = new Set((from?.launched ?? []).map((launched) => launched.spec.symbol));
  for (const spec of options.specs) {
    if (launchedSymbols.has(spec.symbol)) continue;
    const state = saved(spec.symbol);
    // A view shows only what the snapshot has; a market starts what it lacks.
    if (state || options.fresh) pairs.set(spec.symbol, { spec, world: createPairDynamics(spec, seed, tickMs, state) });
  }
  for (const launched of from?.launched ?? []) {
    const state = saved(launched.spec.symbol);
    if (!state) throw new RangeError(`the snapshot launched ${launched.spec.symbol} but has no pools for it`);
    pairs.set(launched.spec.symbol, { spec: launched.spec, world: createPairDynamics(launched.spec, seed, tickMs, state, launched), launched });
    launchedIds.add(launched.id);
  }

  return {
    get: (symbol: string): MarketPair | undefined => pairs.get(symbol),
    all: (): IterableIterator<MarketPair> => pairs.values(),
    specs: (): PairSpec[] => [...pairs.values()].map((pair) => pair.spec),
    launched: (): LaunchedPair[] => [...pairs.values()].flatMap((pair) => (pair.launched ? [pair.launched] : [])),

    /** Adds a launched pair at tick `tick` unless its symbol trades or its id was applied already. */
    launch(request: LaunchSpec, tick: number): LaunchResult {
      if (launchedIds.has(request.id)) return { ok: false, reason: 'ALREADY_LAUNCHED' };
      if (pairs.has(request.symbol)) return { ok: false, reason: 'PAIR_EXISTS' };
      const spec = launchPairSpec(request, [...pairs.values()].map((pair) => pair.spec));
      const launched: LaunchedPair = { id: request.id, tick, liquidity: request.liquidity, spec };
      pairs.set(spec.symbol, { spec, world: createPairDynamics(spec, seed, tickMs, undefined, launched), launched });
      launchedIds.add(request.id);
      return { ok: true, launched };
    },
  };
}

export type MarketPairs = ReturnType<typeof createMarketPairs>;
