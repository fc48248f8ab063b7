import { parseApiKey } from '../accounts/api-key.js';
import type { Authenticate } from '../accounts/authenticate.js';
import { OPEN_ACCESS_ACCOUNT, type Caller } from '../accounts/ports.js';
import type { ErrorCode } from '../errors.js';

/** What the WebSocket upgrade request offers: its subprotocols and its query string. */
export interface UpgradeRequest {
  readonly protocols: readonly string[];
  readonly query: URLSearchParams;
}

export type Admission =
  | { readonly ok: true; readonly caller: Caller; /** The subprotocol to echo (the one that carried the key). */ readonly protocol?: string }
  | { readonly ok: false; readonly status: 401 | 429 | 503; readonly code: ErrorCode | 'UNAUTHORIZED'; readonly message: string };

/**
 * Decides at the WebSocket upgrade, before a socket exists, who may connect: the API key (from a
 * `Sec-WebSocket-Protocol` entry, or the `key` query parameter since browsers cannot set headers),
 * the process-wide connection cap and the per-key cap. Every admitted caller is released once.
 */
export function createAdmission(deps: { authenticate: Authenticate | null; maxConnections: number; maxConnectionsPerKey: number }) {
  const perKey = new Map<string, number>();
  let total = 0;

  return {
    async admit(request: UpgradeRequest): Promise<Admission> {
      if (total >= deps.maxConnections) return { ok: false, status: 503, code: 'LIMIT_EXCEEDED', message: 'this server has no room for more connections' };
      // The place is taken before the key check awaits, so simultaneous upgrades cannot overshoot.
      total += 1;
      const admission = await check(request);
      if (!admission.ok) total -= 1;
      return admission;
    },

    release(caller: Caller): void {
      total = Math.max(0, total - 1);
      if (!caller.keyId) return;
      const open = (perKey.get(caller.keyId) ?? 1) - 1;
      if (open > 0) perKey.set(caller.keyId, open);
      else perKey.delete(caller.keyId);
    },
  };

  async function check(request: UpgradeRequest): Promise<Admission> {
    let caller: Caller = { accountId: OPEN_ACCESS_ACCOUNT, keyId: null };
    let protocol: string | undefined;
    if (deps.authenticate) {
      protocol = request.protocols.find((entry) => parseApiKey(entry) !== null);
      const presented = protocol ?? request.query.get('key') ?? undefined;
      const found = await deps.authenticate(presented);
      if (!found) return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'a valid API key is required (Sec-WebSocket-Protocol or ?key=)' };
      caller = found;
      const open = perKey.get(found.keyId!) ?? 0;
      if (open >= deps.maxConnectionsPerKey) {
        return { ok: false, status: 429, code: 'LIMIT_EXCEEDED', message: `this key already has ${open} connections open` };
      }
    }
    if (caller.keyId) perKey.set(caller.keyId, (perKey.get(caller.keyId) ?? 0) + 1);
    return { ok: true, caller, ...(protocol !== undefined && { protocol }) };
  }
}

export type GatewayAdmission = ReturnType<typeof createAdmission>;
