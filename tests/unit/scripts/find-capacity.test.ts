import { describe, expect, it } from 'vitest';
import { findCapacity, formatCapacity } from '../../../scripts/load/find-capacity.js';
import type { LoadOptions } from '../../../scripts/load/options.js';
import type { LoadResult } from '../../../scripts/load/run.js';

const options = { rate: 250, durationS: 15 } as LoadOptions;

/** A deployment that confirms up to `capacity` orders a second and refuses the rest with OVERLOADED. */
function deployment(capacity: number) {
  const rates: number[] = [];
  const run = async (step: LoadOptions): Promise<LoadResult> => {
    rates.push(step.rate);
    const sent = step.rate * step.durationS!;
    const served = Math.min(step.rate, capacity);
    const refused = Math.round((step.rate - served) * step.durationS!);
    return {
      options: step,
      sent,
      rejected: refused > 0 ? { OVERLOADED: refused } : {},
      expired: {},
      lost: 0,
      duplicates: 0,
      outOfOrder: 0,
      confirmedPerSSteady: served,
      ackLatencyMs: { count: sent, p50: 1, p90: 2, p99: 3, max: 4, mean: 1 },
    } as unknown as LoadResult;
  };
  return { run, rates };
}

describe('the load script --find-capacity', () => {
  it('doubles until a rate falls back, then bisects, and reports the highest rate that kept up', async () => {
    const { run, rates } = deployment(1_700);
    const found = await findCapacity(options, run, () => undefined);
    expect(rates.slice(0, 4)).toEqual([250, 500, 1_000, 2_000]);
    expect(rates.slice(4)).toEqual([1_500, 1_750, 1_625]);
    expect(found.capacity).toBe(1_625);
    expect(found.steps.find((s) => s.rate === 2_000)).toMatchObject({ keptUp: false, refused: { OVERLOADED: 4_500 } });
    expect(formatCapacity(found)).toContain('capacity C: 1625/s');
    expect(formatCapacity(found)).toContain('4500 OVERLOADED');
  });

  it('says so when even the first rate falls back', async () => {
    const found = await findCapacity(options, deployment(10).run, () => undefined);
    expect(found.capacity).toBeNull();
    expect(formatCapacity(found)).toContain('below the first rate tried');
  });
});
