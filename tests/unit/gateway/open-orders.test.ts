import { describe, expect, it } from 'vitest';
import { createOpenOrders } from '../../../src/gateway/open-orders.js';

describe('open orders per account', () => {
  it('refuses a slot at the cap, frees it when the order ends or the submit is refused, and counts accounts apart', () => {
    const open = createOpenOrders(2);
    const first = open.acquire('a')!;
    first.bind('o1');
    const second = open.acquire('a')!;
    expect(open.acquire('a')).toBeNull();
    expect(open.acquire('b')).not.toBeNull();
    second.release(); // refused submit
    const third = open.acquire('a')!;
    third.bind('o3');
    expect(open.acquire('a')).toBeNull();
    open.finished('o1');
    expect(open.count('a')).toBe(1);
    open.finished('o1'); // a second terminal event frees nothing more
    expect(open.count('a')).toBe(1);
    open.finished('unknown');
    expect(open.acquire('a')).not.toBeNull();
  });
});
