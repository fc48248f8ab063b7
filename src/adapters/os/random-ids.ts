import { randomFillSync, randomUUID } from 'node:crypto';
import type { Ids } from '../../orders/ports.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

const CHUNK = 58n ** 9n; // nine base58 digits: the largest power of 58 below 2^53

/**
 * Bitcoin/Solana base58 of a byte string: the bytes as one big number written in base 58, plus a
 * '1' per leading zero byte. Nine digits are peeled off per BigInt division (three times faster).
 */
export function base58(bytes: Uint8Array): string {
  let value = bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
  let out = '';
  while (value > 0n) {
    let rest = Number(value % CHUNK);
    value /= CHUNK;
    let chunk = '';
    for (let k = 0; k < 9; k++) {
      const quotient = Math.floor(rest / 58);
      chunk = ALPHABET[rest - quotient * 58]! + chunk;
      rest = quotient;
    }
    out = chunk + out;
  }
  let start = 0;
  while (start < out.length && out[start] === '1') start++; // padding of the top chunk
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  return '1'.repeat(zeros) + out.slice(start);
}

// Random bytes drawn 16 KiB at a time: one call into the CSPRNG per 256 signatures.
const pool = Buffer.allocUnsafe(64 * 256);
let used = pool.length;
function random64(): Buffer {
  if (used + 64 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 64;
  return pool.subarray(used - 64, used);
}

/** Random order ids (UUID v4) and Solana-shaped signatures (base58 of 64 random bytes). */
export const randomIds: Ids = {
  orderId: () => randomUUID(),
  signature: () => base58(random64()),
};
