import type { LoadOptions } from './options.js';
import type { LoadResult } from './run.js';

/** One offered rate tried, and what came of it. */
export interface CapacityStep {
  readonly rate: number;
  readonly keptUp: boolean;
  readonly confirmedPerSSteady: number;
  readonly refused: Record<string, number>;
  readonly expired: number;
  readonly lost: number;
  readonly ackP99Ms: number;
}

/** Bisections after the first rate that did not keep up. */
const BISECTIONS = 3;
/** What "keeps up" allows: the steady confirmed rate within 5 % of the offered one, under 1 % refused or expired, nothing lost. */
const KEEP_UP_SHARE = 0.95;
const MAX_REFUSED_SHARE = 0.01;

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Whether a run at its offered rate kept up: every order served in time, none refused for long, nothing lost. */
export function keptUp(result: LoadResult): boolean {
  const offered = result.options.rate;
  const refused = total(result.rejected);
  const expired = total(result.expired);
  return (
    result.lost === 0 &&
    result.duplicates === 0 &&
    result.outOfOrder === 0 &&
    result.confirmedPerSSteady >= offered * KEEP_UP_SHARE &&
    refused + expired <= result.sent * MAX_REFUSED_SHARE
  );
}

/**
 * Steps the offered rate to learn the capacity C of a deployment: the highest rate whose steady
 * confirmed rate keeps up (see `keptUp`). It doubles from `--rate` until a rate does not keep up,
 * then bisects between the last that did and the first that did not. Each step is a run of
 * `--duration` seconds (default 15) on fresh connections.
 */
export async function findCapacity(
  options: LoadOptions,
  run: (options: LoadOptions) => Promise<LoadResult>,
  onStep: (step: CapacityStep) => void,
): Promise<{ readonly capacity: number | null; readonly steps: CapacityStep[] }> {
  const steps: CapacityStep[] = [];
  const tryRate = async (rate: number) => {
    const result = await run({ ...options, rate, orders: undefined, durationS: options.durationS ?? 15 });
    const step: CapacityStep = {
      rate,
      keptUp: keptUp(result),
      confirmedPerSSteady: result.confirmedPerSSteady,
      refused: result.rejected,
      expired: total(result.expired),
      lost: result.lost,
      ackP99Ms: result.ackLatencyMs.p99,
    };
    steps.push(step);
    onStep(step);
    return step.keptUp;
  };
  let good: number | null = null;
  let bad: number | null = null;
  for (let rate = options.rate; bad === null && rate <= 1_000_000; rate *= 2) {
    if (await tryRate(rate)) good = rate;
    else bad = rate;
  }
  if (bad !== null) {
    let low = good ?? 0;
    let high = bad;
    for (let i = 0; i < BISECTIONS && high - low > 1; i++) {
      const mid = Math.round((low + high) / 2);
      if (mid <= 0) break;
      if (await tryRate(mid)) low = good = mid;
      else high = mid;
    }
  }
  return { capacity: good, steps };
}

/** The steps as a table, then C. */
export function formatCapacity(found: { readonly capacity: number | null; readonly steps: readonly CapacityStep[] }): string {
  const codes = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ') || '0';
  const lines = found.steps.map(
    (s) =>
      `${String(s.rate).padStart(8)}/s  ${s.keptUp ? 'kept up ' : 'fell back'}  confirmed ${s.confirmedPerSSteady.toFixed(0).padStart(6)}/s steady  ack p99 ${s.ackP99Ms.toFixed(1).padStart(8)} ms  refused ${codes(s.refused)}  expired ${s.expired}  lost ${s.lost}`,
  );
  return [...lines, found.capacity === null ? 'capacity C: below the first rate tried' : `capacity C: ${found.capacity}/s`].join('\n');
}
