import postgres, { type Sql } from 'postgres';
import type { Logger } from '../../log.js';

/**
 * Opens the pool; notices (e.g. "relation already exists, skipping") go to debug logs, not stdout.
 * `name` is the pool's application_name: who a backend works for, in pg_stat_activity (it takes the
 * place of PGAPPNAME; an `application_name` in the URL still wins).
 */
export function connectPostgres(url: string, log: Logger, name: string, max = 20): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    connection: {
      application_name: name,
      // No statement may hold a connection (and the batches behind it) for ever.
      statement_timeout: 15_000,
      // Every statement here finds its rows by an index. Statements are prepared, and PostgreSQL
      // keeps a generic plan for each after five executions (unless custom plans look cheaper): no
      // plan per execution, which cost more CPU than running most of them. A generic plan chosen
      // while the tables are small (a fresh database) would pick sequential scans and keep them as
      // the tables grow; with sequential scans priced out it keeps to the indexes from the start.
      enable_seqscan: 'off',
    },
    onnotice: (notice) => log.debug({ notice: notice.message }, 'postgres notice'),
  });
}
