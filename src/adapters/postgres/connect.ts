import postgres, { type Sql } from 'postgres';
import type { Logger } from '../../log.js';

/** Opens the pool; notices (e.g. "relation already exists, skipping") go to debug logs, not stdout. */
export function connectPostgres(url: string, log: Logger, max = 20): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    connection: {
      // No statement may hold a connection (and the batches behind it) for ever.
      statement_timeout: 15_000,
      // Every statement here is a lookup by key. A prepared statement's generic plan, chosen while
      // the tables were still small (a fresh database, before autovacuum's first ANALYZE), would
      // keep seq-scanning `orders` as it grows: each execution is planned for the table as it is.
      plan_cache_mode: 'force_custom_plan',
    },
    onnotice: (notice) => log.debug({ notice: notice.message }, 'postgres notice'),
  });
}
