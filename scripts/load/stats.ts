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

/** A confirmation this long or more after the one before starts a burst (a slot's landings). */
const BURST_GAP_MS = 50;
/** How far past each percentile a burst start is looked for (two slots): further, the stream has no bursts there. */
const BURST_SEARCH_MS = 800;
/** Below this many confirmations or this span, the whole run's mean rate is the best there is. */
const MIN_STEADY_COUNT = 20;
const MIN_STEADY_SPAN_MS = 2_000;
/** The share of confirmations left out at each end (the ramp up and the drain). */
const STEADY_TRIM = 0.1;

/**
 * The confirmed rate once the pipeline is full, per second: the confirmations between the 10th
 * and the 90th percentile of their times (ms), over the time between those two. The chain lands
 * a slot's transactions together, so confirmations come in bursts, one a slot: each end is moved
 * on to the start of a burst (a confirmation after a gap of 50 ms or more) found within 800 ms,
 * so the interval holds whole bursts and no slot is counted at one end without its time. Per-second
 * counts would alternate with two or three slots a second and, with latencies spread over seconds
 * (realistic mode), count a ramp second inside a trimmed middle. A run too short for that (under
 * 20 confirmations or 2 s) gets its mean rate.
 */
export function steadyRate(confirmedAtMs: readonly number[]): number {
  const times = [...confirmedAtMs].sort((a, b) => a - b);
  if (times.length < 2) return 0;
  const wholeSpanMs = times.at(-1)! - times[0]!;
  if (times.length < MIN_STEADY_COUNT || wholeSpanMs < MIN_STEADY_SPAN_MS) return wholeSpanMs > 0 ? ((times.length - 1) * 1000) / wholeSpanMs : 0;
  const burstFrom = (index: number) => {
    for (let i = Math.max(1, index); i < times.length && times[i]! - times[index]! <= BURST_SEARCH_MS; i++) {
      if (times[i]! - times[i - 1]! >= BURST_GAP_MS) return i;
    }
    return -1;
  };
  let from = Math.floor(times.length * STEADY_TRIM);
  let to = Math.floor(times.length * (1 - STEADY_TRIM));
  const burstFromStart = burstFrom(from);
  const burstAtEnd = burstFrom(to);
  // Both ends on burst starts, with bursts between them; else (a stream without gaps) the percentiles as they are.
  if (burstFromStart !== -1 && burstAtEnd !== -1 && burstAtEnd > burstFromStart) {
    from = burstFromStart;
    to = burstAtEnd;
  }
  const spanMs = times[to]! - times[from]!;
  return spanMs > 0 ? ((to - from) * 1000) / spanMs : 0;
}
