import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key reads `dex_<keyId>_<secret>`: the key id (public, 72 bits) finds the row, the secret
 * (256 random bits) proves possession. Only SHA-256(secret) is stored; a fast hash is right for a
 * secret this long (there is nothing to brute-force), and it keeps the upgrade check cheap.
 */
const PATTERN = /^dex_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  readonly keyId: string;
  /** The whole key, shown to its owner once and never stored. */
  readonly key: string;
  readonly secretHash: Buffer;
}

/** Creates a new random key. Its id never starts with `-`, which a command line would read as an option. */
export function generateApiKey(): NewApiKey {
  let keyId = randomBytes(9).toString('base64url');
  while (keyId.startsWith('-')) keyId = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `dex_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented key into its id and secret, or null when it is not shaped like one. */
export function parseApiKey(text: string): { keyId: string; secret: string } | null {
  const match = PATTERN.exec(text);
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return storedHash.length === presented.length && timingSafeEqual(presented, storedHash);
}
