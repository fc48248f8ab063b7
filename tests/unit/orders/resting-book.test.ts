import { describe, expect, it } from 'vitest';
import { createRestingBook } from '../../../src/orders/resting-book.js';

const ids = (entries: Iterable<{ orderId: string }>) => [...entries].map((entry) => entry.orderId);

describe('the resting book', () => {
  it('yields the buys priced at or above the market, highest first, and the sells at or below it, lowest first', () => {
    const book = createRestingBook();
    book.add({ orderId: 'b139', pair: 'SOL/USDC', side: 'buy', price: 139 });
    book.add({ orderId: 'b141', pair: 'SOL/USDC', side: 'buy', price: 141 });
    book.add({ orderId: 'b140', pair: 'SOL/USDC', side: 'buy', price: 140 });
    book.add({ orderId: 's141', pair: 'SOL/USDC', side: 'sell', price: 141 });
    book.add({ orderId: 's139', pair: 'SOL/USDC', side: 'sell', price: 139 });
    book.add({ orderId: 'jup', pair: 'JUP/USDC', side: 'buy', price: 999 });
    expect(ids(book.crossed('SOL/USDC', 'buy', 140))).toEqual(['b141', 'b140']);
    expect(ids(book.crossed('SOL/USDC', 'sell', 140))).toEqual(['s139']);
    expect(ids(book.crossed('SOL/USDC', 'sell', 141))).toEqual(['s139', 's141']);
    expect(ids(book.crossed('RAY/USDC', 'buy', 1))).toEqual([]);
  });

  it('orders ties by order id, moves an amended order, and forgets a removed one', () => {
    const book = createRestingBook();
    book.add({ orderId: 'b', pair: 'SOL/USDC', side: 'buy', price: 140 });
    book.add({ orderId: 'a', pair: 'SOL/USDC', side: 'buy', price: 140 });
    expect(ids(book.crossed('SOL/USDC', 'buy', 140))).toEqual(['b', 'a']); // highest first: the key order reversed
    book.add({ orderId: 'a', pair: 'SOL/USDC', side: 'buy', price: 130 }); // amended down: no longer crosses
    expect(ids(book.crossed('SOL/USDC', 'buy', 140))).toEqual(['b']);
    expect(book.size).toBe(2);
    expect(book.remove('b')).toBe(true);
    expect(book.remove('b')).toBe(false);
    expect(ids(book.crossed('SOL/USDC', 'buy', 100))).toEqual(['a']);
    expect(book.has('b')).toBe(false);
  });

  it('reads only the crossed edge of a deep book: with 100,000 resting it yields the few that cross and stops', () => {
    const book = createRestingBook();
    for (let i = 0; i < 100_000; i++) book.add({ orderId: `o${i}`, pair: 'SOL/USDC', side: i % 2 ? 'buy' : 'sell', price: 100 + (i % 1000) / 10 });
    const crossing = [...book.crossed('SOL/USDC', 'buy', 199.85)];
    // Buys at 199.9 only: i % 1000 === 999 (odd), a hundred of them.
    expect(crossing).toHaveLength(100);
    expect(crossing.every((entry) => entry.price >= 199.85)).toBe(true);
  });
});
