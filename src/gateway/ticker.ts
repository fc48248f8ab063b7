import type { Logger } from '../util/logger.js';
import { formatPrice, formatUnits } from '../protocol/decimal.js';
import { encodeServerMessage, type TickerMessage } from '../protocol/server-messages.js';
import type { PairSpec } from '../venues/types.js';
import type { MarketData, MarketTick } from './market-data.js';
import type { TopicPublisher } from './topics.js';

/** The topic a pair's ticker is published under. */
export const tickerTopic = (pair: string): string => `ticker:${pair}`;

/** A tick as it goes on the wire: prices and liquidity (QUOTE) with the quote token's decimals. */
export function toTickerMessage(tick: MarketTick, pair: PairSpec): TickerMessage {
  const decimals = pair.quote.decimals;
  return {
    type: 'ticker',
    pair: tick.pair,
    slot: tick.slot,
    ts: tick.ts,
    reference: formatPrice(tick.reference, decimals),
    venues: tick.venues.map((venue) => ({ dex: venue.dex, mid: formatPrice(venue.mid, decimals), liquidity: formatUnits(venue.liquidity, decimals) })),
  };
}

export interface TickerFanoutDeps {
  readonly marketData: MarketData;
  readonly findPair: (symbol: string) => PairSpec | undefined;
  readonly publisher: TopicPublisher;
  readonly log: Logger;
}

/**
 * Publishes each pair's tick to its topic, serialized once however many sockets follow it, and at
 * most once per slot: a slot seen again (or an older one) is not sent twice.
 */
export function startTickerFanout(deps: TickerFanoutDeps) {
  const { publisher, log } = deps;
  const lastSlot = new Map<string, number>();
  // Only the pairs somebody follows are computed and sent: a gateway nobody watches ticks for pays nothing.
  const followed = () =>
    deps.marketData
      .livePairs()
      .map((pair) => pair.symbol)
      .filter((symbol) => (publisher.subscribers?.(tickerTopic(symbol)) ?? 1) > 0);
  const stop = deps.marketData.onTicks((ticks) => {
    for (const tick of ticks) {
      const last = lastSlot.get(tick.pair);
      if (last !== undefined && tick.slot <= last) continue;
      const pair = deps.findPair(tick.pair);
      if (!pair) continue;
      // One bad tick (a non-finite price) must not keep the other pairs' ticks from their sockets.
      try {
        const text = encodeServerMessage(toTickerMessage(tick, pair));
        lastSlot.set(tick.pair, tick.slot);
        publisher.publish(tickerTopic(tick.pair), text);
      } catch (err) {
        log.warn({ err, pair: tick.pair, slot: tick.slot }, 'tick could not be published');
      }
    }
  }, followed);
  return {
    /** Stops publishing; sockets keep their subscriptions until they close. */
    close(): void {
      stop();
    },
  };
}

export type TickerFanout = ReturnType<typeof startTickerFanout>;
