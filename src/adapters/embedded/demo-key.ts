import { readFile, writeFile } from 'node:fs/promises';
import { generateApiKey } from '../../accounts/api-key.js';
import type { Authenticate } from '../../accounts/authenticate.js';
import type { AccountStore } from '../../accounts/ports.js';

/**
 * The embedded default's local demo account: created on first start, its key kept in `file`
 * (mode 0600, under DATA_DIR) so every start can print the page URL carrying it. A key that no
 * longer works (database reset, key revoked) is replaced.
 */
export async function ensureDemoKey(deps: { file: string; store: AccountStore; authenticate: Authenticate }): Promise<{ key: string; created: boolean }> {
  const saved = (await readFile(deps.file, 'utf8').catch(() => '')).trim();
  if (saved && (await deps.authenticate(saved))) return { key: saved, created: false };
  const fresh = generateApiKey();
  await deps.store.createKey({ name: 'local demo', keyId: fresh.keyId, secretHash: fresh.secretHash });
  await writeFile(deps.file, `${fresh.key}\n`, { mode: 0o600 });
  return { key: fresh.key, created: true };
}
