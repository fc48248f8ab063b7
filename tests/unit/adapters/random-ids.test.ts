import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base58, randomIds } from '../../../src/adapters/os/random-ids.js';

/** The textbook definition, for comparison: the bytes as one big number, written in base 58. */
function reference(bytes: Uint8Array): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = '';
  for (; value > 0n; value /= 58n) out = alphabet[Number(value % 58n)] + out;
  return '1'.repeat(bytes.findIndex((byte) => byte !== 0) === -1 ? bytes.length : bytes.findIndex((byte) => byte !== 0)) + out;
}

describe('base58', () => {
  it('encodes known vectors', () => {
    expect(base58(Buffer.from('Hello World!'))).toBe('2NEpo7TZRRrLZSi2U');
    expect(base58(Uint8Array.from([0, 0, 40, 127, 180, 205]))).toBe('11233QC4');
    expect(base58(new Uint8Array(0))).toBe('');
    expect(base58(new Uint8Array(3))).toBe('111');
  });

  it('agrees with the big-number definition on random input', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(1 + (i % 70));
      if (i % 7 === 0) bytes[0] = 0;
      expect(base58(bytes)).toBe(reference(bytes));
    }
  });

  it('gives Solana-shaped signatures', () => {
    expect(randomIds.signature()).toMatch(/^[1-9A-HJ-NP-Za-km-z]{86,88}$/);
  });
});
