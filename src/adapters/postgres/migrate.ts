import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from 'postgres';
import type { Logger } from '../../log.js';

const FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;
// Any fixed 64-bit number works; it only has to be the same in every process of this app.
const MIGRATION_LOCK = 7_362_019_884_120_551n;

/**
 * Applies the numbered `.sql` files in `dir` that are not yet recorded, in order, each once. The
 * whole run holds a transaction-scoped advisory lock, so two processes starting together apply
 * each file exactly once, and a failing file rolls back with nothing recorded.
 */
export async function migrate(sql: Sql, dir: string, log: Logger): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => FILE.test(name)).sort();
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await tx`
      create table if not exists schema_migrations (
        version    integer primary key,
        name       text not null,
        applied_at timestamptz not null default now()
      )`;
    const done = new Set((await tx<{ version: number }[]>`select version from schema_migrations`).map((row) => row.version));
    const applied: string[] = [];
    for (const name of files) {
      const version = Number(FILE.exec(name)![1]);
      if (done.has(version)) continue;
      await tx.unsafe(await readFile(join(dir, name), 'utf8'));
      await tx`insert into schema_migrations (version, name) values (${version}, ${name})`;
      applied.push(name);
      log.info({ migration: name }, 'migration applied');
    }
    return applied;
  });
}
