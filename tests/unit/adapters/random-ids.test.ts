import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base58, randomIds, uuidV7 } from '../../../src/adapters/os/random-ids.js';

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

describe('uuidV7', () => {
  it('gives RFC 9562 version 7 ids that start with the time in milliseconds', () => {
    const id = uuidV7(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
  });

  it('keeps the ids of one process in order, even past 4,096 in one millisecond', () => {
    const at = Date.UTC(2031, 5, 6);
    const ids = Array.from({ length: 10_000 }, () => uuidV7(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const first = Number.parseInt(ids[0]!.replaceAll('-', '').slice(0, 12), 16);
    const last = Number.parseInt(ids.at(-1)!.replaceAll('-', '').slice(0, 12), 16);
    expect(first).toBe(at);
    expect(last).toBe(at + 2); // 10,000 ids: two borrowed milliseconds
  });

  it('gives the order ids', () => {
    const [a, b] = [randomIds.orderId(), randomIds.orderId()];
    expect(a).toMatch(/^[0-9a-f-]{14}7/);
    expect(a < b).toBe(true);
  });
});
