import { describe, expect, it } from 'vitest';
import { createMarket, type Market } from '../../../src/venues/market.js';
import { createMarketView } from '../../../src/venues/market-view.js';
import { DEXES, PAIRS, type LaunchSpec, type MarketSnapshot } from '../../../src/venues/index.js';

const T0 = 1_700_000_000_000;
const TICK = 400;
const at = (tick: number, part = 0) => T0 + (tick + part) * TICK;
const NEW = 'NEW/USDC';
const noLimit = { buy: { side: 'buy', maxAmountIn: Infinity }, sell: { side: 'sell', minAmountOut: 0 } } as const;
const roundTrip = (snapshot: MarketSnapshot): MarketSnapshot => JSON.parse(JSON.stringify(snapshot));
const launch = (overrides: Partial<LaunchSpec> = {}): LaunchSpec => ({ id: 'l1', symbol: NEW, price: 0.02, liquidity: 50_000, venues: ['raydium', 'meteora'], ...overrides });

/** A market with NEW/USDC launched at the end of tick 10. */
function launched(seed: number | string = 7, spec: Partial<LaunchSpec> = {}): Market {
  const market = createMarket({ seed, startMs: T0, tickMs: TICK });
  expect(market.launch(launch(spec), at(10))).toMatchObject({ ok: true, launched: { id: spec.id ?? 'l1', tick: 10 } });
  return market;
}

describe('launches', () => {
  it('opens pools at the price and value asked, split over both venues, with a full spec and no trading in the launch tick', () => {
    const market = launched();
    const spec = market.pairs().find((pair) => pair.symbol === NEW)!;
    expect(spec).toMatchObject({ base: { symbol: 'NEW', decimals: 6 }, quote: { symbol: 'USDC', decimals: 6 }, initialPrice: 0.02, venues: ['raydium', 'meteora'] });
    expect(spec.volatility).toBeGreaterThan(PAIRS[0]!.volatility);
    expect(market.pairs().map((pair) => pair.symbol)).toEqual([...PAIRS.map((pair) => pair.symbol), NEW]);
    expect(market.midPrice(NEW, 'raydium', at(10))).toBeCloseTo(0.02, 12);
    expect(Math.abs(Math.log(market.midPrice(NEW, 'meteora', at(10)) / 0.02))).toBeLessThanOrEqual(0.0025); // within half a 50 bps bin
    for (const dex of DEXES) expect(market.liquidity(NEW, dex, at(10))).toBeCloseTo(25_000, 6);
    expect(market.referencePrice(NEW, at(10))).toBe(0.02);
    // The pools appear at the end of the launch tick: nothing trades them before the next one.
    expect(market.quotes(NEW, 'buy', 1_000, at(10, 0.9))).toEqual([null, null]);
    expect(market.fillRoute(NEW, 'buy', [{ dex: 'raydium', amount: 1_000 }], noLimit.buy, at(10, 0.9))).toEqual({ ok: false, code: 'INSUFFICIENT_LIQUIDITY' });
    expect(market.route(NEW, 'buy', 1_000, at(11))).not.toBeNull();
  });

  it('quotes and routes a one-venue launch on that venue only; the missing venue quotes null, has a NaN mid and no liquidity', () => {
    const market = launched(8, { venues: ['raydium'] });
    expect(market.venues(NEW)).toEqual(['raydium']);
    expect(market.liquidity(NEW, 'raydium', at(11))).toBeGreaterThan(49_000);
    expect(market.liquidity(NEW, 'meteora', at(11))).toBe(0);
    expect(market.midPrice(NEW, 'meteora', at(11))).toBeNaN();
    const [raydium, meteora] = market.quotes(NEW, 'buy', 10_000, at(11));
    expect(raydium).toMatchObject({ dex: 'raydium', pair: NEW, amountOut: 10_000 });
    expect(meteora).toBeNull();
    expect(market.quote('meteora', NEW, 'sell', 10_000, at(11))).toBeNull();
    expect(market.route(NEW, 'buy', 500_000, at(11))!.route).toMatchObject({ kind: 'raydium', legs: [{ dex: 'raydium' }] });
    expect(market.fill('meteora', NEW, 'buy', 10, noLimit.buy, at(11))).toBeNull();
    expect(market.fillRoute(NEW, 'buy', [{ dex: 'meteora', amount: 10 }], noLimit.buy, at(11))).toEqual({ ok: false, code: 'INSUFFICIENT_LIQUIDITY' });
    expect(market.snapshot().pairs.find((pair) => pair.symbol === NEW)!.pools.map((pool) => pool.dex)).toEqual(['raydium']);

    const view = createMarketView(roundTrip(market.snapshot()));
    expect(view.pairs.find((pair) => pair.symbol === NEW)).toEqual(market.pairs().find((pair) => pair.symbol === NEW));
    expect(view.launched).toEqual(market.launched());
    expect(view.venues(NEW)).toEqual(['raydium']);
    expect(view.quote('meteora', NEW, 'buy', 10)).toBeNull();
    expect(view.midPrice(NEW, 'meteora')).toBeNaN();
    expect(view.liquidity(NEW, 'meteora')).toBe(0);
    expect(view.quotes(NEW, 'buy', 10_000)).toEqual(market.quotes(NEW, 'buy', 10_000, at(11)));
    expect(view.route(NEW, 'sell', 50_000)).toEqual(market.route(NEW, 'sell', 50_000, at(11)));
    expect(view.venues('SOL/USDC')).toEqual(DEXES);
  });

  it('refuses a pair that exists and a launch applied before, as values; a spec no pair can have is a RangeError', () => {
    const market = launched();
    expect(market.launch(launch({ id: 'l2', symbol: 'SOL/USDC' }), at(12))).toEqual({ ok: false, reason: 'PAIR_EXISTS' });
    expect(market.launch(launch({ id: 'l3' }), at(12))).toEqual({ ok: false, reason: 'PAIR_EXISTS' });
    expect(market.launch(launch({ symbol: 'OTHER/USDC' }), at(12))).toEqual({ ok: false, reason: 'ALREADY_LAUNCHED' });
    expect(() => market.launch(launch({ id: 'x1', symbol: 'NEW/EUR' }), at(12))).toThrow(RangeError);
    expect(() => market.launch(launch({ id: 'x2', symbol: 'BAD/USDC', price: 0 }), at(12))).toThrow(RangeError);
    expect(() => market.launch(launch({ id: 'x3', symbol: 'BAD/USDC', venues: [] }), at(12))).toThrow(RangeError);
    // An existing token keeps its decimals in a new pair.
    expect(market.launch(launch({ id: 'l4', symbol: 'JUP/USDT', price: 0.9 }), at(12))).toMatchObject({ ok: true, launched: { spec: { base: { symbol: 'JUP', decimals: 6 } } } });
    expect(market.launched().map((pair) => pair.spec.symbol)).toEqual([NEW, 'JUP/USDT']);
  });

  it('restores launched pairs from a snapshot, mid-tick included, and carries on bit for bit like the original', () => {
    const original = launched(9);
    original.fill('raydium', NEW, 'buy', 100_000, noLimit.buy, at(11, 0.3));
    const snapshot = roundTrip(original.snapshot());
    expect(snapshot).toMatchObject({ tick: 11, tickPart: 0.3, launched: [{ id: 'l1', tick: 10, liquidity: 50_000 }] });
    const restored = createMarket({ seed: 'ignored', startMs: 0, from: snapshot });
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(original.snapshot()));
    const script = (market: Market) => {
      const seen: unknown[] = [];
      for (let t = 11; t < 40; t++) {
        for (const part of [0.3, 0.5, 0.95]) seen.push(market.quotes(NEW, 'buy', 20_000, at(t, part)), market.referencePrice(NEW, at(t, part)));
        if (t % 3 === 0) seen.push(market.fill('meteora', NEW, 'sell', 30_000, noLimit.sell, at(t, 0.6)));
      }
      return JSON.stringify(seen);
    };
    expect(script(restored)).toBe(script(original));
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(original.snapshot()));
  });

  it('still loads a snapshot from before launches (no launched, no tickPart)', () => {
    const market = createMarket({ seed: 10, startMs: T0, tickMs: TICK });
    market.referencePrice('SOL/USDC', at(50));
    const old = roundTrip(market.snapshot());
    expect(old).not.toHaveProperty('launched');
    expect(old).not.toHaveProperty('tickPart');
    expect(createMarket({ seed: 10, startMs: T0, from: old }).pairs()).toEqual(PAIRS);
    expect(createMarketView(old).launched).toEqual([]);
  });

  it('competing snipers buy from the tick after the launch, so the same buy costs more 3 ticks later than 1 tick later', () => {
    const buyAt = (tick: number, seed: number) => launched(seed).fill('raydium', NEW, 'buy', 50_000, noLimit.buy, at(tick, 0.01))!;
    for (const seed of [1, 2, 3, 4, 5]) {
      const first = buyAt(11, seed);
      const third = buyAt(13, seed);
      expect(first.ok && third.ok).toBe(true);
      if (first.ok && third.ok) expect(third.fill.amountIn).toBeGreaterThan(first.fill.amountIn * 1.01);
    }
    // The price climbs over the first ticks, then the burst is over.
    const market = launched(1);
    const mids = [10, 11, 12, 13, 14, 18, 19, 25].map((tick) => {
      market.endTick(at(tick));
      return market.midPrice(NEW, 'raydium', at(tick));
    });
    expect(mids[0]).toBeCloseTo(0.02, 12); // nothing bought in the launch tick
    expect(mids[4]! / mids[0]!).toBeGreaterThan(1.05);
    expect(mids[4]! / mids[0]!).toBeLessThan(1.5);
    expect(Math.abs(Math.log(mids[7]! / mids[6]!))).toBeLessThan(0.02); // afterwards only the walk, noise and arbitrage
  });

  it('interleaves the snipers with the tick: a buy early in the first tick after the launch pays less than the same buy late in it', () => {
    const early = launched(2).fill('raydium', NEW, 'buy', 50_000, noLimit.buy, at(11, 0.001))!;
    const late = launched(2).fill('raydium', NEW, 'buy', 50_000, noLimit.buy, at(11, 0.999))!;
    expect(early.ok && late.ok && late.fill.amountIn > early.fill.amountIn).toBe(true);
  });

  it('replays the same snipers for the same seed and draws others for another seed', () => {
    const path = (seed: number) => {
      const market = launched(seed);
      return [11, 12, 13, 14].map((tick) => {
        market.endTick(at(tick));
        return market.midPrice(NEW, 'meteora', at(tick));
      });
    };
    expect(path(3)).toEqual(path(3));
    expect(path(3)).not.toEqual(path(4));
  });
});
