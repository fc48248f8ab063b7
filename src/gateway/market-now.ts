import type { MarketNow } from '../orders/ports.js';
import type { MarketData } from './market-data.js';

/**
 * The orders' view of the latest slot (MarketNow) over the market data the gateway and workers
 * already follow: quoted locally, without the quote latency. A pair the slot has no pool of
 * (a sniper's, before its launch) has neither route nor reference.
 */
export function marketNowOf(marketData: MarketData): MarketNow {
  return {
    route(pair, side, amount) {
      try {
        const quoted = marketData.quote(pair, side, amount);
        return quoted && { slot: quoted.slot, route: quoted.route };
      } catch (err) {
        if (err instanceof RangeError) return null; // no such pair (yet)
        throw err;
      }
    },
    slot: () => marketData.slot(),
    reference(pair) {
      if (marketData.slot() === null) return null;
      return marketData.tick(pair)?.reference ?? null;
    },
  };
}
