import { describe, expect, it } from 'vitest';
import { histogram, steadyRate, summarize } from '../../../scripts/load/stats.js';

describe('load-test figures', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    expect(summarize(samples)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(summarize([])).toMatchObject({ count: 0, max: 0 });
  });

  it('bins a 60 s run at 3,300/s (198,000 samples) without overflowing the stack, every sample counted once', () => {
    const samples = Array.from({ length: 198_000 }, (_, i) => 0.5 + (i % 1_000) / 10);
    const bins = histogram(samples);
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(198_000);
    expect(bins[0]!.from).toBeCloseTo(0.5, 9);
    expect(bins.at(-1)!.to).toBeCloseTo(100.4, 6);
  });

  it('reads the steady confirmed rate from whole slots: 1,000/s landing 400 at a time every 400 ms, with a ramp of seconds', () => {
    // Sent at 1,000/s for 15 s with latencies of 2.2 to 3.7 s, landing at the slot after.
    const times: number[] = [];
    for (let i = 0; i < 15_000; i++) {
      const latency = 2_200 + ((i * 7_919) % 1_500);
      times.push(Math.ceil((i + latency) / 400) * 400 + (i % 5));
    }
    expect(steadyRate(times)).toBeGreaterThan(990);
    expect(steadyRate(times)).toBeLessThan(1_010);
    // Per-second counts of the same run alternate between two and three slots.
    const perSecond = new Map<number, number>();
    for (const t of times) perSecond.set(Math.floor(t / 1_000), (perSecond.get(Math.floor(t / 1_000)) ?? 0) + 1);
    expect(new Set([...perSecond.values()].slice(4, 12)).size).toBeGreaterThan(1);
  });

  it('reads the rate of a stream without bursts, and of an engine that falls behind, from its confirmations', () => {
    // 2,000 a second, evenly: no gaps to align on.
    expect(steadyRate(Array.from({ length: 20_000 }, (_, i) => i / 2))).toBeCloseTo(2_000, 0);
    // Offered 2,000/s but confirmed at 1,500/s (a backlog): the rate is what was confirmed.
    expect(steadyRate(Array.from({ length: 20_000 }, (_, i) => (i * 1_000) / 1_500))).toBeCloseTo(1_500, 0);
    expect(steadyRate([])).toBe(0);
    expect(steadyRate([5])).toBe(0);
  });

  it('does not skip a stall in a stream without bursts to count the catch-up after it', () => {
    // 1,000/s evenly for 20 s, except that seconds 8-9 confirm nothing and second 10 twice as
    // many; the tail has stragglers 100 ms apart.
    const times: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const at = i;
      if (at >= 8_000 && at < 9_000) times.push(10_000 + (at - 8_000) / 2);
      else if (at >= 9_000 && at < 10_000) times.push(10_500 + (at - 9_000) / 2);
      else times.push(at);
    }
    for (let k = 1; k <= 5; k++) times.push(20_000 + k * 100);
    const rate = steadyRate(times);
    expect(rate).toBeGreaterThan(950);
    expect(rate).toBeLessThan(1_050);
  });

  it('gives a short run its mean rate: too few slots to trim', () => {
    // Two slots of 400, 400 ms apart, and one of 400 alone.
    const twoSlots = [...Array.from({ length: 400 }, () => 0), ...Array.from({ length: 400 }, () => 400)];
    expect(steadyRate(twoSlots)).toBeCloseTo(799 * 2.5, 5);
    expect(steadyRate(Array.from({ length: 400 }, () => 1_000))).toBe(0);
  });
});
