import { hashSecret, parseApiKey, secretMatches } from './api-key.js';
import type { AccountStore, Caller, StoredKey } from './ports.js';

// Compared against when the key id is unknown, so a miss costs the same hash and comparison as a hit.
const DECOY: StoredKey = { keyId: '', accountId: '', secretHash: hashSecret('decoy'), revoked: true };

/**
 * Checks a presented API key: shaped right, known, not revoked, secret matching (constant time).
 * Lookups are cached for `cacheMs` (a revocation reaches new connections within that time).
 */
export function createAuthenticator(deps: { store: AccountStore; now: () => number; cacheMs?: number }) {
  const { store, now } = deps;
  const cacheMs = deps.cacheMs ?? 10_000;
  const cache = new Map<string, { key: StoredKey | null; until: number }>();

  async function lookup(keyId: string): Promise<StoredKey | null> {
    const hit = cache.get(keyId);
    if (hit && hit.until > now()) return hit.key;
    const key = await store.findKey(keyId);
    if (cache.size > 10_000) cache.clear(); // bounded: a flood of made-up ids cannot grow it
    cache.set(keyId, { key, until: now() + cacheMs });
    return key;
  }

  return async function authenticate(presented: string | undefined): Promise<Caller | null> {
    const parsed = presented ? parseApiKey(presented) : null;
    const stored = parsed ? await lookup(parsed.keyId) : null;
    const candidate = stored ?? DECOY;
    const matches = secretMatches(parsed?.secret ?? '', candidate.secretHash);
    if (!parsed || !stored || stored.revoked || !matches) return null;
    return { accountId: stored.accountId, keyId: stored.keyId };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
