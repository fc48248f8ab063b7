import type { Dex, Quote, Side } from './types.js';

interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

interface Quoting {
  quote(dex: Dex, pair: string, side: Side, amount: number, nowMs: number): Quote | null;
}

/** A venue as a remote API: each quote answers after the venue's latency, priced at the moment it answers. */
export function createVenueClient(deps: { market: Quoting; clock: Timer; latencyMs: (dex: Dex) => number }) {
  const { market, clock, latencyMs } = deps;
  return {
    async quote(dex: Dex, pair: string, side: Side, amount: number): Promise<Quote | null> {
      const wait = latencyMs(dex);
      if (wait > 0) await clock.sleep(wait);
      return market.quote(dex, pair, side, amount, clock.now());
    },
  };
}

export type VenueClient = ReturnType<typeof createVenueClient>;
