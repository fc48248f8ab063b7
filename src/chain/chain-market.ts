import type { Market } from '../venues/market.js';
import type { MarketSnapshot } from '../venues/types.js';
import type { ChainMarket } from './slot-producer.js';

/** What the chain persists and publishes as a slot's state: the market, and the time base it runs on. */
export interface ChainSnapshot {
  /** The market's time at slot 0; slot s is at genesisMs + s × slotMs. */
  readonly genesisMs: number;
  readonly market: MarketSnapshot;
}

/** Where in its slot's tick a transaction landing at the slot's very end executes: still inside it (1 is the next tick). */
const LAST_POSITION = 0.999;

/**
 * The market as the slot producer drives it: slot s is tick s of the market, at genesisMs + s × tickMs.
 * A transaction executes at its position through the slot's tick, so it lands among the competing
 * snipers of a launch by when it arrived; the slot ends with the rest of the tick, and its launches
 * open at that end.
 */
export function createChainMarket(options: { market: Market; genesisMs: number; tickMs: number; slot: number }): ChainMarket {
  const { market, genesisMs, tickMs } = options;
  const at = (slot: number) => genesisMs + slot * tickMs;
  const symbols = new Set(market.pairs().map((pair) => pair.symbol));
  let slotNow = options.slot;
  return {
    advanceTo(slot) {
      slotNow = slot;
      market.referencePrice(market.pairs()[0]!.symbol, at(slot)); // any read brings the whole market to that time
    },
    execute(tx, position) {
      // A transaction for a pair this chain does not have fails like one for an empty pool; it must not stop the slot.
      if (!symbols.has(tx.pair)) return { ok: false, code: 'INSUFFICIENT_LIQUIDITY' };
      return market.fillRoute(tx.pair, tx.side, tx.legs, tx.limit, at(slotNow) + Math.min(position, LAST_POSITION) * tickMs);
    },
    endSlot: () => market.endTick(at(slotNow)),
    launch(spec) {
      const result = market.launch(spec, at(slotNow));
      if (result.ok) symbols.add(result.launched.spec.symbol);
      return result;
    },
    symbols: () => [...symbols],
    snapshot: (): ChainSnapshot => ({ genesisMs, market: market.snapshot() }),
  };
}
