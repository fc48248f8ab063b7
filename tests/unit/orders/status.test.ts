import { describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES, canTransition, isTerminal } from '../../../src/orders/status.js';
import { ORDER_STATUSES } from '../../../src/protocol/server-messages.js';

describe('order status machine', () => {
  it('allows the happy path in order and only forward', () => {
    const path = ['pending', 'routing', 'building', 'submitted', 'confirmed'] as const;
    for (let i = 0; i + 1 < path.length; i += 1) {
      expect(canTransition(path[i]!, path[i + 1]!)).toBe(true);
      expect(canTransition(path[i + 1]!, path[i]!)).toBe(false);
    }
    expect(canTransition('pending', 'building')).toBe(false);
    expect(canTransition('routing', 'submitted')).toBe(false);
    expect(canTransition('building', 'confirmed')).toBe(false);
  });

  it('lets every live status fail and nothing leave a terminal status', () => {
    for (const status of ORDER_STATUSES) {
      if (isTerminal(status)) {
        for (const next of ORDER_STATUSES) expect(canTransition(status, next)).toBe(false);
      } else {
        expect(canTransition(status, 'failed')).toBe(true);
      }
    }
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['confirmed', 'failed', 'cancelled', 'expired']);
  });

  it('allows cancelling only before the transaction is submitted', () => {
    expect(['pending', 'routing', 'building'].every((s) => canTransition(s as 'pending', 'cancelled'))).toBe(true);
    expect(canTransition('submitted', 'cancelled')).toBe(false);
    expect(canTransition('confirmed', 'cancelled')).toBe(false);
  });

  it('lists as terminal exactly the statuses that lead nowhere, and treats text that is no status as live', () => {
    expect(TERMINAL_STATUSES).toEqual(['confirmed', 'failed', 'cancelled', 'expired']);
    for (const status of ORDER_STATUSES) expect(isTerminal(status)).toBe(ORDER_STATUSES.every((next) => !canTransition(status, next)));
    expect(isTerminal('')).toBe(false);
    expect(isTerminal('toString')).toBe(false);
  });
});
