/** Latency figures from a list of samples (ms). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles over the samples. */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1)!, mean };
}

/** Counts of samples per bucket on a log scale (for the report's histogram). */
export function histogram(samples: readonly number[], buckets = 40): Array<{ from: number; to: number; count: number }> {
  if (samples.length === 0) return [];
  // A loop, not Math.min(...samples): spreading ~150,000 arguments overflows the stack.
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    if (sample < lowest) lowest = sample;
    if (sample > highest) highest = sample;
  }
  const min = Math.max(0.05, lowest);
  const max = Math.max(min * 1.01, highest);
  const ratio = (max / min) ** (1 / buckets);
  const out = Array.from({ length: buckets }, (_, i) => ({ from: min * ratio ** i, to: min * ratio ** (i + 1), count: 0 }));
  for (const sample of samples) {
    const index = Math.min(buckets - 1, Math.max(0, Math.floor(Math.log(Math.max(sample, min) / min) / Math.log(ratio))));
    out[index]!.count += 1;
  }
  return out;
}
