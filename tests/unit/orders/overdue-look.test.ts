import { describe, expect, it } from 'vitest';
import { createOverdueSchedule } from '../../../src/orders/overdue-look.js';

const schedule = () => createOverdueSchedule({ shortestDeadlineMs: 100, atLeastEveryMs: 10_000 });

describe('the overdue sweep schedule', () => {
  it('looks first thing, whatever the queue shows', () => {
    expect(schedule().due(0, 0)).toBe(true);
  });

  it('skips while no job has waited the shortest deadline, then looks once the longest gap has passed', () => {
    const s = schedule();
    expect(s.due(1_000, 0)).toBe(true);
    expect(s.due(2_000, 0)).toBe(false);
    expect(s.due(6_000, 99)).toBe(false);
    expect(s.due(10_999, 50)).toBe(false);
    expect(s.due(11_000, 0)).toBe(true);
    expect(s.due(12_000, 0)).toBe(false);
  });

  it('looks every time a job has waited the shortest deadline or longer', () => {
    const s = schedule();
    expect(s.due(0, 0)).toBe(true);
    expect(s.due(1_000, 100)).toBe(true);
    expect(s.due(2_000, 5_000)).toBe(true);
    // and that look counts: the longest gap runs from it
    expect(s.due(3_000, 0)).toBe(false);
    expect(s.due(11_999, 0)).toBe(false);
    expect(s.due(12_000, 0)).toBe(true);
  });

  it('looks when the queue could not be read', () => {
    const s = schedule();
    expect(s.due(0, 0)).toBe(true);
    expect(s.due(1_000, Number.POSITIVE_INFINITY)).toBe(true);
  });
});
