import type { Sql } from 'postgres';
import type { Logger } from '../../log.js';
import { TERMINAL_STATUSES } from '../../orders/status.js';

/** What is kept of the order history, and what becomes of the rest. */
export interface HistoryPolicy {
  /** Days of events kept (whole UTC days, counted back from the start of today). */
  readonly retentionDays: number;
  /** `drop`: a day past the retention is deleted; `detach`: it is left as a table of its own, for an operator to archive. */
  readonly afterRetention: 'drop' | 'detach';
}

/** Days of partitions created ahead of today: the history takes writes for a week without any maintenance. */
export const DAYS_AHEAD = 7;
const DAY_MS = 86_400_000;
/** Finished orders deleted per statement past the retention, and statements per run. */
const DELETE_PAGE = 5_000;
const DELETE_PAGES_PER_RUN = 200;
// Any fixed 64-bit number works; it only has to be the same in every process of this app.
const MAINTENANCE_LOCK = 7_362_019_884_120_552n;

interface Partition {
  readonly name: string;
  /** The bounds, ms since the epoch (from: null for MINVALUE). */
  readonly from: number | null;
  readonly to: number;
  /** A DETACH CONCURRENTLY that was interrupted: it has to be finalized. */
  readonly detachPending: boolean;
}

export interface MaintenanceReport {
  readonly created: string[];
  readonly removed: string[];
  readonly ordersDeleted: number;
}

const dayName = (ms: number) => `order_events_p${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Keeps `order_events` partitioned by UTC day: creates the partitions of today and the next
 * DAYS_AHEAD days that are missing, removes those wholly past the retention, and deletes the
 * finished orders created before it (an order still resting keeps its row; its events of those
 * days go with them). One process at a time (an advisory lock; the others skip), and never
 * blocking the writes of orders: a partition is created as a table, given the check its range
 * implies, then attached (a lock that lets inserts go on, with nothing to scan), and removed with
 * DETACH CONCURRENTLY. A run that is killed half-way leaves nothing the next run does not finish.
 */
export async function maintainHistory(sql: Sql, policy: HistoryPolicy, log: Logger, nowMs = Date.now()): Promise<MaintenanceReport> {
  const report = { created: [] as string[], removed: [] as string[], ordersDeleted: 0 };
  const conn = await sql.reserve();
  try {
    const [lock] = await conn<{ locked: boolean }[]>`select pg_try_advisory_lock(${MAINTENANCE_LOCK.toString()}::bigint) as locked`;
    if (!lock?.locked) return report;
    try {
      // A statement that waits for a lock makes every write behind it wait: give up instead, and try next time.
      await conn`set lock_timeout = '2s'`;
      await conn`set timezone = 'UTC'`; // the bounds as pg_get_expr prints them
      const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
      let partitions = await partitionsOf(conn);
      for (let day = today; day <= today + DAYS_AHEAD * DAY_MS; day += DAY_MS) {
        if (partitions.some((p) => (p.from ?? -Infinity) < day + DAY_MS && p.to > day)) continue; // covered (in whole or part)
        const name = dayName(day);
        await conn.unsafe(`create table if not exists ${name} (like order_events including defaults including constraints)`);
        await conn.unsafe(`alter table ${name} add constraint ${name}_range check (created_at >= '${iso(day)}' and created_at < '${iso(day + DAY_MS)}')`).catch(ignoreDuplicate);
        await conn.unsafe(`alter table order_events attach partition ${name} for values from ('${iso(day)}') to ('${iso(day + DAY_MS)}')`);
        await conn.unsafe(`alter table ${name} drop constraint if exists ${name}_range`);
        report.created.push(name);
        partitions = await partitionsOf(conn);
      }
      const cutoff = today - policy.retentionDays * DAY_MS;
      for (const partition of partitions.filter((p) => p.to <= cutoff)) {
        await conn.unsafe(`alter table order_events detach partition ${partition.name} ${partition.detachPending ? 'finalize' : 'concurrently'}`);
        if (policy.afterRetention === 'drop') await conn.unsafe(`drop table ${partition.name}`);
        report.removed.push(partition.name);
      }
      for (let page = 0; page < DELETE_PAGES_PER_RUN; page++) {
        const deleted = await conn`
          delete from orders where id in (
            select id from orders where created_at < ${iso(cutoff)}::timestamptz and status = any(${TERMINAL_STATUSES}::text[]) limit ${DELETE_PAGE})`;
        report.ordersDeleted += deleted.count;
        if (deleted.count < DELETE_PAGE) break;
      }
    } finally {
      await conn`select pg_advisory_unlock(${MAINTENANCE_LOCK.toString()}::bigint)`.catch(() => undefined);
      await conn`reset lock_timeout`.catch(() => undefined);
      await conn`reset timezone`.catch(() => undefined);
    }
  } finally {
    conn.release();
  }
  if (report.created.length + report.removed.length + report.ordersDeleted > 0) log.info(report, 'order history maintained');
  return report;
}

/** The partitions of order_events, with their bounds. */
async function partitionsOf(conn: Sql): Promise<Partition[]> {
  const rows = await conn<{ name: string; bound: string; detach_pending: boolean }[]>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound, i.inhdetachpending as detach_pending
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'order_events'::regclass`;
  return rows.flatMap((row) => {
    const match = /FROM \((?:MINVALUE|'([^']+)')\) TO \('([^']+)'\)/.exec(row.bound);
    if (!match) return [];
    return [{ name: row.name, from: match[1] ? utcMs(match[1]) : null, to: utcMs(match[2]!), detachPending: row.detach_pending }];
  });
}

/** A bound as PostgreSQL prints it in UTC ('2026-12-02 00:00:00+00'), in ms. */
function utcMs(text: string): number {
  const ms = Date.parse(`${text.replace(' ', 'T').replace(/\+00$/, '')}Z`);
  if (Number.isNaN(ms)) throw new Error(`unreadable partition bound ${text}`);
  return ms;
}

function ignoreDuplicate(err: unknown): void {
  if ((err as { code?: string }).code !== '42710') throw err; // duplicate_object: a run before this one added it
}

/** Runs the maintenance now and then every `everyMs`; a failed run is logged and tried again next time. */
export function startHistoryMaintenance(sql: Sql, policy: HistoryPolicy, log: Logger, everyMs = 3_600_000) {
  const run = () => maintainHistory(sql, policy, log).catch((err: unknown) => log.warn({ err }, 'order history maintenance failed; will try again'));
  const first = run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return {
    first,
    stop(): void {
      clearInterval(timer);
    },
  };
}
