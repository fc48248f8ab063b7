import sortedBtree from 'sorted-btree';
import type { Side } from '../venues/types.js';

// A CommonJS package with `exports.default`: Node's own ESM import sees the module object, a
// bundler's (vitest's) the class itself.
type BTreeClass = typeof sortedBtree.default;
const BTree: BTreeClass = (sortedBtree as unknown as { default?: BTreeClass }).default ?? (sortedBtree as unknown as BTreeClass);

/** A resting order as the book keeps it: its pair, side and the price that makes it cross (QUOTE per BASE). */
export interface RestingEntry {
  readonly orderId: string;
  readonly pair: string;
  readonly side: Side;
  readonly price: number;
}

type Key = readonly [price: number, orderId: string];
const byPriceThenId = (a: Key, b: Key): number => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * Resting orders of every pair, indexed by side and price in B+ trees, so that a slot reads only
 * the edge the market crossed, whatever rests behind it: buys from the highest price down while it
 * is at least the market's, sells from the lowest up while it is at most the market's. Adding,
 * moving and removing an order cost log(n).
 */
export function createRestingBook() {
  const books = new Map<string, Record<Side, InstanceType<typeof BTree<Key, RestingEntry>>>>();
  const byId = new Map<string, RestingEntry>();

  function bookOf(pair: string) {
    let book = books.get(pair);
    if (!book) {
      book = { buy: new BTree<Key, RestingEntry>(undefined, byPriceThenId), sell: new BTree<Key, RestingEntry>(undefined, byPriceThenId) };
      books.set(pair, book);
    }
    return book;
  }

  function remove(orderId: string): boolean {
    const entry = byId.get(orderId);
    if (!entry) return false;
    byId.delete(orderId);
    bookOf(entry.pair)[entry.side].delete([entry.price, orderId]);
    return true;
  }

  return {
    /** Rests an order, or moves it to its new terms if it rests already (an amend). */
    add(entry: RestingEntry): void {
      remove(entry.orderId);
      byId.set(entry.orderId, entry);
      bookOf(entry.pair)[entry.side].set([entry.price, entry.orderId], entry);
    },
    /** Takes an order out (it triggered, was cancelled or expired); false if it was not resting. */
    remove,
    /**
     * The resting orders of `pair` and `side` the market price crosses, most aggressive first:
     * buys priced at `marketPrice` or above, sells at or below. Stops at the first that does not cross.
     */
    *crossed(pair: string, side: Side, marketPrice: number): Generator<RestingEntry> {
      const tree = books.get(pair)?.[side];
      if (!tree) return;
      const entries = side === 'buy' ? tree.entriesReversed() : tree.entries();
      for (const [, entry] of entries) {
        if (side === 'buy' ? entry.price < marketPrice : entry.price > marketPrice) return;
        yield entry;
      }
    },
    has: (orderId: string) => byId.has(orderId),
    get size() {
      return byId.size;
    },
  };
}

export type RestingBook = ReturnType<typeof createRestingBook>;
