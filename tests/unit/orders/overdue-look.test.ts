import { describe, expect, it } from 'vitest';
import { createOverdueSchedule } from '../../../src/orders/overdue-look.js';

const schedule = () => createOverdueSchedule({ shortestDeadlineMs: 100, slackMs: 100, atLeastEveryMs: 10_000 });

/** A queue draining 1,000 orders a second (1 a ms), with `backlog` counted in and `oldest` ms of wait. */
const drainingAt = (now: number, backlog = 0, oldest = 0) => ({ backlog, takenUp: now, oldestQueuedMs: oldest });

describe('the overdue sweep schedule', () => {
  it('looks first thing, whatever the queue shows', () => {
    expect(schedule().due(0, drainingAt(0))).toBe(true);
  });

  it('skips while nothing queued or held can be overdue, then looks once the longest gap has passed', () => {
    const s = schedule();
    expect(s.due(1_000, drainingAt(1_000))).toBe(true);
    expect(s.due(2_000, drainingAt(2_000))).toBe(false);
    // 99 ms of wait; a backlog of 150 orders is 150 ms at 1 a ms, less a report's 100 ms of slack
    expect(s.due(6_000, drainingAt(6_000, 150, 99))).toBe(false);
    expect(s.due(10_999, drainingAt(10_999, 0, 50))).toBe(false);
    expect(s.due(11_000, drainingAt(11_000))).toBe(true);
    expect(s.due(12_000, drainingAt(12_000))).toBe(false);
  });

  it('looks every time a job has waited the shortest deadline', () => {
    const s = schedule();
    expect(s.due(0, drainingAt(0))).toBe(true);
    expect(s.due(1_000, drainingAt(1_000, 0, 100))).toBe(true);
    expect(s.due(2_000, drainingAt(2_000, 0, 5_000))).toBe(true);
    // and that look counts: the longest gap runs from it
    expect(s.due(3_000, drainingAt(3_000))).toBe(false);
    expect(s.due(11_999, drainingAt(11_999))).toBe(false);
    expect(s.due(12_000, drainingAt(12_000))).toBe(true);
  });

  it('looks while the backlog is the shortest deadline or more at the drain rate (orders a worker holds, waiting for a slot)', () => {
    const s = schedule();
    expect(s.due(0, drainingAt(0))).toBe(true);
    // 200 orders at 1 a ms: 200 ms, less 100 ms of slack, is the shortest deadline
    expect(s.due(1_000, drainingAt(1_000, 200))).toBe(true);
    // the same backlog draining at half the rate
    expect(s.due(2_000, { backlog: 150, takenUp: 1_500, oldestQueuedMs: 0 })).toBe(true);
    // a backlog that does not drain at all
    expect(s.due(3_000, { backlog: 1, takenUp: 1_500, oldestQueuedMs: 0 })).toBe(true);
    expect(s.due(4_000, { backlog: 0, takenUp: 1_500, oldestQueuedMs: 0 })).toBe(false);
  });

  it('looks when the queue could not be read, and again at the next check after a look that asks for it', () => {
    const s = schedule();
    expect(s.due(0, drainingAt(0))).toBe(true);
    expect(s.due(1_000, null)).toBe(true);
    expect(s.due(2_000, drainingAt(2_000))).toBe(false);
    s.again();
    expect(s.due(3_000, drainingAt(3_000))).toBe(true);
    expect(s.due(4_000, drainingAt(4_000))).toBe(false);
  });
});
