import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { MarketData, MarketTick } from '../../../src/gateway/market-data.js';
import { startTickerFanout, tickerTopic, toTickerMessage } from '../../../src/gateway/ticker.js';
import { findPair } from '../../../src/venues/pairs.js';

const log = pino({ level: 'silent' });
const TS = 1_800_000_000_000;

const tick = (pair: string, slot: number, reference = 140.123456789): MarketTick => ({
  pair,
  slot,
  ts: TS + slot * 400,
  reference,
  venues: [
    { dex: 'raydium', mid: 140.2, liquidity: 56_012_345.6789123 },
    { dex: 'meteora', mid: 140.1, liquidity: 7_000.5 },
  ],
});

/** Market data whose ticks the test emits by hand. */
function fakeMarket() {
  const listeners = new Set<(ticks: readonly MarketTick[]) => void>();
  const marketData: MarketData = {
    slot: () => null,
    livePairs: () => [],
    quote: () => null,
    tick: () => null,
    onTicks: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return { marketData, listeners, emit: (ticks: MarketTick[]) => listeners.forEach((listener) => listener(ticks)) };
}

function fanout() {
  const market = fakeMarket();
  const published: Array<[string, unknown]> = [];
  const publisher = { publish: vi.fn((topic: string, text: string) => void published.push([topic, JSON.parse(text)])) };
  const started = startTickerFanout({ marketData: market.marketData, findPair, publisher, log });
  return { ...market, published, publisher, fanout: started };
}

describe('toTickerMessage', () => {
  it("formats prices and liquidity (QUOTE) with the quote token's decimals, prices with enough significant digits", () => {
    expect(toTickerMessage(tick('SOL/USDC', 9), findPair('SOL/USDC')!)).toEqual({
      type: 'ticker',
      pair: 'SOL/USDC',
      slot: 9,
      ts: TS + 3600,
      reference: '140.123457',
      venues: [
        { dex: 'raydium', mid: '140.200000', liquidity: '56012345.678912' },
        { dex: 'meteora', mid: '140.100000', liquidity: '7000.500000' },
      ],
    });
    expect(toTickerMessage({ ...tick('JUP/USDC', 1), reference: 0.912345678 }, findPair('JUP/USDC')!).reference).toBe('0.912345678');
  });
});

describe('startTickerFanout', () => {
  it("publishes each pair's tick once, serialized, to ticker:<pair>", () => {
    const t = fanout();
    t.emit([tick('SOL/USDC', 1), tick('JUP/USDC', 1, 0.9)]);
    expect(t.published.map(([topic]) => topic)).toEqual([tickerTopic('SOL/USDC'), tickerTopic('JUP/USDC')]);
    expect(tickerTopic('SOL/USDC')).toBe('ticker:SOL/USDC');
    expect(t.published[0]![1]).toEqual(toTickerMessage(tick('SOL/USDC', 1), findPair('SOL/USDC')!));
  });

  it('publishes at most once per slot: a repeated or older slot is skipped', () => {
    const t = fanout();
    t.emit([tick('SOL/USDC', 5)]);
    t.emit([tick('SOL/USDC', 5)]);
    t.emit([tick('SOL/USDC', 4)]);
    t.emit([tick('SOL/USDC', 6)]);
    expect(t.published.map(([, message]) => (message as { slot: number }).slot)).toEqual([5, 6]);
  });

  it('skips a pair it does not know and a tick it cannot format, and still publishes the others', () => {
    const t = fanout();
    t.emit([tick('DOGE/USDC', 1), { ...tick('SOL/USDC', 1), reference: Number.NaN }, tick('JUP/USDC', 1, 0.9)]);
    expect(t.published.map(([topic]) => topic)).toEqual(['ticker:JUP/USDC']);
    // The bad slot was not published, so a good tick of it still may be.
    t.emit([tick('SOL/USDC', 1)]);
    expect(t.published.map(([topic]) => topic)).toEqual(['ticker:JUP/USDC', 'ticker:SOL/USDC']);
  });

  it('stops listening when closed', () => {
    const t = fanout();
    t.fanout.close();
    expect(t.listeners.size).toBe(0);
    t.emit([tick('SOL/USDC', 1)]);
    expect(t.publisher.publish).not.toHaveBeenCalled();
  });
});
