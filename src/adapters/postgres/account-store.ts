import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { AccountStore } from '../../accounts/ports.js';

/** The AccountStore port on PostgreSQL. */
export function createAccountStore(sql: Sql): AccountStore {
  return {
    async findKey(keyId) {
      const [row] = await sql<{ id: string; account_id: string; secret_hash: Buffer; revoked: boolean }[]>`
        select id, account_id, secret_hash, revoked_at is not null as revoked from api_keys where id = ${keyId}`;
      return row ? { keyId: row.id, accountId: row.account_id, secretHash: row.secret_hash, revoked: row.revoked } : null;
    },

    async createKey({ name, accountId, keyId, secretHash }) {
      return sql.begin(async (tx) => {
        const account = accountId ?? randomUUID();
        if (!accountId) await tx`insert into accounts (id, name) values (${account}, ${name})`;
        await tx`insert into api_keys (id, account_id, name, secret_hash) values (${keyId}, ${account}, ${name}, ${secretHash})`;
        return { accountId: account, keyId };
      });
    },

    async revokeKey(keyId) {
      const rows = await sql`update api_keys set revoked_at = now() where id = ${keyId} and revoked_at is null returning id`;
      return rows.length > 0;
    },
  };
}
