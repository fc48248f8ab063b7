import { randomBytes, randomUUID } from 'node:crypto';
import type { Ids } from './orders/ports.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Bitcoin/Solana base58 of a byte string. */
export function base58(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = '';
  while (value > 0n) {
    out = ALPHABET[Number(value % 58n)] + out;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = '1' + out;
  }
  return out;
}

/** Random order ids (UUID v4) and Solana-shaped signatures (base58 of 64 random bytes). */
export const randomIds: Ids = {
  orderId: () => randomUUID(),
  signature: () => base58(randomBytes(64)),
};
