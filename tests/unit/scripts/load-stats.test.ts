import { describe, expect, it } from 'vitest';
import { histogram, summarize } from '../../../scripts/load/stats.js';

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
});
