import { createDlmmPool, dlmmLiquidity, dlmmMidPrice, dlmmOrderToward, quoteDlmm, swapDlmm } from './meteora-dlmm.js';
import { loadCpmm, loadDlmm, saveCpmm, saveDlmm } from './pool-state.js';
import { cpmmLiquidity, cpmmMidPrice, cpmmOrderToward, createCpmmPool, quoteCpmm, swapCpmm } from './raydium-cpmm.js';
import type { Dex, PairSpec, PoolOrder, PoolState, Side, VenueQuote } from './types.js';

/** One pool behind one interface, so the market can treat Raydium and Meteora alike. */
export interface Venue {
  readonly dex: Dex;
  /** The fee a small order pays, in bps: arbitrageurs leave a gap narrower than this alone. */
  readonly feeBps: number;
  midPrice(): number;
  /** The pool's value in QUOTE at its mid price. */
  liquidity(): number;
  quote(side: Side, amount: number): VenueQuote | null;
  /** Executes the swap against the pool, moving it. */
  swap(side: Side, amount: number): VenueQuote | null;
  /** The order that would move this pool's mid price to about `price`. */
  orderToward(price: number): PoolOrder | null;
  /** The pool's whole mutable state, JSON-serialisable. */
  state(): PoolState;
}

/** Creates the pool a pair specifies on one dex, at the pair's initial price or, given `from`, in a saved state. */
export function createVenue(dex: Dex, pair: PairSpec, from?: PoolState): Venue {
  if (from && from.dex !== dex) throw new RangeError(`a ${from.dex} state cannot restore a ${dex} pool`);
  const decimals = { baseDecimals: pair.base.decimals, quoteDecimals: pair.quote.decimals };
  switch (dex) {
    case 'raydium': {
      const pool = createCpmmPool({
        ...decimals,
        baseReserve: pair.raydiumBaseReserve,
        quoteReserve: pair.raydiumBaseReserve * pair.initialPrice,
      });
      if (from?.dex === 'raydium') loadCpmm(pool, from);
      return {
        dex,
        feeBps: pool.feeBps,
        midPrice: () => cpmmMidPrice(pool),
        liquidity: () => cpmmLiquidity(pool),
        quote: (side, amount) => quoteCpmm(pool, side, amount),
        swap: (side, amount) => swapCpmm(pool, side, amount),
        orderToward: (price) => cpmmOrderToward(pool, price),
        state: () => saveCpmm(pool),
      };
    }
    case 'meteora': {
      const pool = createDlmmPool({
        ...decimals,
        price: pair.initialPrice,
        binStep: pair.meteoraBinStep,
        baseLiquidityPerBin: pair.meteoraBaseLiquidityPerBin,
      });
      if (from?.dex === 'meteora') loadDlmm(pool, from);
      return {
        dex,
        feeBps: pool.baseFeeBps,
        midPrice: () => dlmmMidPrice(pool),
        liquidity: () => dlmmLiquidity(pool),
        quote: (side, amount) => quoteDlmm(pool, side, amount),
        swap: (side, amount) => swapDlmm(pool, side, amount),
        orderToward: (price) => dlmmOrderToward(pool, price),
        state: () => saveDlmm(pool),
      };
    }
  }
}
