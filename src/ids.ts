import { randomBytes, randomUUID } from 'node:crypto';
import type { Ids } from './orders/ports.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Bitcoin/Solana base58 of a byte string (digit by digit in small integers: no BigInt per byte). */
export function base58(bytes: Uint8Array): string {
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i]! * 256;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '';
  for (const byte of bytes) {
    if (byte !== 0) break;
    out += '1';
  }
  for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]!];
  return out;
}

/** Random order ids (UUID v4) and Solana-shaped signatures (base58 of 64 random bytes). */
export const randomIds: Ids = {
  orderId: () => randomUUID(),
  signature: () => base58(randomBytes(64)),
};
