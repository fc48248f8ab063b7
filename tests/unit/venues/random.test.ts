import { describe, expect, it } from 'vitest';
import { createRng, hashKey, hashWith, normal } from '../../../src/venues/random.js';

describe('seeded randomness', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const u of draw(42)) expect(u >= 0 && u < 1).toBe(true);
  });

  it('hashes keys by every part and part boundary', () => {
    expect(hashKey(1, 'SOL/USDC', 'raydium')).toBe(hashKey(1, 'SOL/USDC', 'raydium'));
    expect(hashKey(1, 'SOL/USDC', 'raydium')).not.toBe(hashKey(1, 'SOL/USDC', 'meteora'));
    expect(hashKey(1, 'SOL/USDC', 'raydium')).not.toBe(hashKey(2, 'SOL/USDC', 'raydium'));
    expect(hashKey('ab', 'c')).not.toBe(hashKey('a', 'bc'));
    expect(hashWith(7, 1)).not.toBe(hashWith(7, 2));
  });

  it('samples normals with mean about 0 and variance about 1', () => {
    const rng = createRng(hashKey('normal'));
    const xs = Array.from({ length: 20_000 }, () => normal(rng));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});
