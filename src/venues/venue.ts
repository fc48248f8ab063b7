import { createDlmmPool, dlmmMidPrice, dlmmOrderToward, quoteDlmm, swapDlmm } from './meteora-dlmm.js';
import { cpmmMidPrice, cpmmOrderToward, createCpmmPool, quoteCpmm, swapCpmm } from './raydium-cpmm.js';
import type { Dex, PairSpec, PoolOrder, Side, VenueQuote } from './types.js';

/** One pool behind one interface, so the market can treat Raydium and Meteora alike. */
export interface Venue {
  readonly dex: Dex;
  /** The fee a small order pays, in bps: arbitrageurs leave a gap narrower than this alone. */
  readonly feeBps: number;
  midPrice(): number;
  quote(side: Side, amount: number): VenueQuote | null;
  /** Executes the swap against the pool, moving it. */
  swap(side: Side, amount: number): VenueQuote | null;
  /** The order that would move this pool's mid price to about `price`. */
  orderToward(price: number): PoolOrder | null;
}

/** Creates the pool a pair specifies on one dex, at the pair's initial price. */
export function createVenue(dex: Dex, pair: PairSpec): Venue {
  const decimals = { baseDecimals: pair.base.decimals, quoteDecimals: pair.quote.decimals };
  switch (dex) {
    case 'raydium': {
      const pool = createCpmmPool({
        ...decimals,
        baseReserve: pair.raydiumBaseReserve,
        quoteReserve: pair.raydiumBaseReserve * pair.initialPrice,
      });
      return {
        dex,
        feeBps: pool.feeBps,
        midPrice: () => cpmmMidPrice(pool),
        quote: (side, amount) => quoteCpmm(pool, side, amount),
        swap: (side, amount) => swapCpmm(pool, side, amount),
        orderToward: (price) => cpmmOrderToward(pool, price),
      };
    }
    case 'meteora': {
      const pool = createDlmmPool({
        ...decimals,
        price: pair.initialPrice,
        binStep: pair.meteoraBinStep,
        baseLiquidityPerBin: pair.meteoraBaseLiquidityPerBin,
      });
      return {
        dex,
        feeBps: pool.baseFeeBps,
        midPrice: () => dlmmMidPrice(pool),
        quote: (side, amount) => quoteDlmm(pool, side, amount),
        swap: (side, amount) => swapDlmm(pool, side, amount),
        orderToward: (price) => dlmmOrderToward(pool, price),
      };
    }
  }
}
