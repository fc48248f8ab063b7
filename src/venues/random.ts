/**
 * Seeded randomness for the simulation. Every random draw is derived from a key such as
 * (seed, pair, dex, tickIndex) rather than from a shared stream, so the draw for one pool at one
 * tick does not depend on how many other draws happened before it.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Mixes a 32-bit integer into a well-spread 32-bit integer (murmur3's finaliser). */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a key of strings and integers to 32 bits (FNV-1a over the parts, then mixed). */
export function hashKey(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    // A separator, so ("ab", "c") and ("a", "bc") hash differently.
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Combines an already-hashed key with an integer such as a tick index, cheaper than re-hashing strings. */
export function hashWith(key: number, n: number): number {
  return mix32(key ^ mix32(n + 0x9e3779b9));
}

/** A mulberry32 generator: fast, 32-bit state, good enough for simulated market noise. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws a standard normal variate with the Box–Muller transform. */
export function normal(rng: Rng): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
