import postgres, { type Sql } from 'postgres';
import type { Logger } from '../../log.js';

/** Opens the pool; notices (e.g. "relation already exists, skipping") go to debug logs, not stdout. */
export function connectPostgres(url: string, log: Logger, max = 20): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    // No statement may hold a connection (and the batches behind it) for ever.
    connection: { statement_timeout: 15_000 },
    onnotice: (notice) => log.debug({ notice: notice.message }, 'postgres notice'),
  });
}
