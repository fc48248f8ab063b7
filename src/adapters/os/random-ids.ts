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

let lastMs = 0;
let counter = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps the
 * ids of one process in order within a millisecond, then 62 random bits. Time-ordered ids land
 * next to each other in every index keyed by them (the order's primary key, its events' primary
 * key), so the inserts and updates of a batch touch a few recent index pages instead of one random
 * page per row. The id tells only when the order was taken, which its owner sees anyway.
 * Built on node's pooled `randomUUID()` (a v4: its variant bits are already v7's), whose first
 * 64 bits are replaced with the time, the version and the counter.
 */
export function uuidV7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    lastMs += 1; // more than 4,096 ids in one millisecond: borrow the next one (stays in order)
    counter = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, '0')}${random.slice(18)}`;
}

/** Time-ordered order ids (UUID v7) and Solana-shaped signatures (base58 of 64 random bytes). */
export const randomIds: Ids = {
  orderId: () => uuidV7(),
  signature: () => base58(random64()),
};
