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
/** Finished orders deleted per statement past the retention, and the longest a run keeps deleting. */
const DELETE_PAGE = 5_000;
const DELETE_BUDGET_MS = 30 * 60_000;
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
  /** Whole days ahead the partitions cover (null: another process held the maintenance). */
  readonly daysAhead: number | null;
}

const dayName = (ms: number) => `order_events_p${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Keeps `order_events` partitioned by UTC day: creates the partitions of today and the next
 * DAYS_AHEAD days that are missing, then (unless `prune` is false) removes those wholly past the
 * retention and deletes the finished orders that have not changed since before it. The events of
 * orders still live (a limit resting for months) are copied forward into today's partition before
 * their day goes, so an order's history stays whole for as long as it lives. One process at a
 * time (an advisory lock; the others skip), and never blocking the writes of orders: a partition
 * is created as a table, given the check its range implies, then attached (a lock that lets
 * inserts go on, with nothing to scan), and removed with DETACH CONCURRENTLY. A run that is killed
 * half-way leaves nothing the next run does not finish.
 */
export async function maintainHistory(sql: Sql, policy: HistoryPolicy, log: Logger, nowMs = Date.now(), options: { prune?: boolean } = {}): Promise<MaintenanceReport> {
  const report = { created: [] as string[], removed: [] as string[], ordersDeleted: 0, daysAhead: null as number | null };
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
        await conn.unsafe(`create table if not exists ${ident(name)} (like order_events including defaults including constraints)`);
        await conn.unsafe(`alter table ${ident(name)} add constraint ${ident(`${name}_range`)} check (created_at >= '${iso(day)}' and created_at < '${iso(day + DAY_MS)}')`).catch(ignoreDuplicate);
        await conn.unsafe(`alter table order_events attach partition ${ident(name)} for values from ('${iso(day)}') to ('${iso(day + DAY_MS)}')`);
        await conn.unsafe(`alter table ${ident(name)} drop constraint if exists ${ident(`${name}_range`)}`);
        report.created.push(name);
        partitions = await partitionsOf(conn);
      }
      report.daysAhead = daysCovered(partitions, nowMs);
      if (options.prune === false) return report;

      const cutoff = today - policy.retentionDays * DAY_MS;
      // A detach left pending by a killed run first: a table has at most one pending at a time.
      const due = partitions.filter((p) => p.detachPending || p.to <= cutoff).sort((a, b) => Number(b.detachPending) - Number(a.detachPending) || a.to - b.to);
      for (const partition of due) {
        if (!partition.detachPending) await copyLiveForward(conn, partition.name, nowMs);
        await conn.unsafe(`alter table order_events detach partition ${ident(partition.name)} ${partition.detachPending ? 'finalize' : 'concurrently'}`);
        if (policy.afterRetention === 'drop') await conn.unsafe(`drop table ${ident(partition.name)}`);
        report.removed.push(partition.name);
      }
      // Finished, and unchanged since before the cutoff (a limit that rested long and filled
      // yesterday stays); the BRIN index on created_at finds the candidates. In pages, until done
      // or for at most DELETE_BUDGET_MS, so that no transaction holds many rows for long.
      const until = Date.now() + DELETE_BUDGET_MS;
      while (Date.now() < until) {
        const deleted = await conn`
          delete from orders where id in (
            select id from orders
            where created_at < ${iso(cutoff)}::timestamptz and updated_at < ${iso(cutoff)}::timestamptz and status = any(${TERMINAL_STATUSES}::text[])
            limit ${DELETE_PAGE})`;
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

/**
 * Copies the events in `partition` of the orders that have not ended into today's partition
 * (created_at the maintenance's now; the payload, as sent, is unchanged), once: a copy an interrupted run already
 * made is not made again. Until the partition is detached both copies exist, and readers take one
 * per seq.
 */
async function copyLiveForward(conn: Sql, partition: string, nowMs: number): Promise<void> {
  await conn.unsafe(
    `insert into order_events (order_id, seq, status, payload, created_at)
     select e.order_id, e.seq, e.status, e.payload, $2::timestamptz
     from ${ident(partition)} e join orders o on o.id = e.order_id
     where o.status <> all($1::text[])
       and not exists (select 1 from order_events n where n.order_id = e.order_id and n.seq = e.seq and n.created_at > e.created_at)`,
    [TERMINAL_STATUSES as string[], iso(nowMs)],
  );
}

/** Whole days from now that the partitions cover without a gap (what writes have left before they fail). */
function daysCovered(partitions: readonly Partition[], nowMs: number): number {
  let until = nowMs;
  for (;;) {
    const next = partitions.find((p) => (p.from ?? -Infinity) <= until && p.to > until);
    if (!next) break;
    until = next.to;
  }
  return Math.floor((until - nowMs) / DAY_MS);
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

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

/**
 * Creates what is missing now (awaited at start: the partitions exist before anything writes), then
 * prunes in the background and does both every `everyMs`. A failed run is logged and tried again
 * next time; fewer than two days left ahead is logged as an error (writes fail where they end).
 */
export function startHistoryMaintenance(sql: Sql, policy: HistoryPolicy, log: Logger, everyMs = 3_600_000) {
  let daysAhead: number | null = null;
  const run = async (prune: boolean) => {
    try {
      const report = await maintainHistory(sql, policy, log, Date.now(), { prune });
      if (report.daysAhead !== null) daysAhead = report.daysAhead;
      if (daysAhead !== null && daysAhead < 2) log.error({ daysAhead }, 'the order history has partitions for fewer than two days ahead; event writes fail past them');
    } catch (err) {
      log.warn({ err }, 'order history maintenance failed; will try again');
    }
  };
  const first = run(false);
  void first.then(() => run(true));
  const timer = setInterval(() => void run(true), everyMs);
  timer.unref();
  return {
    first,
    /** Days ahead the partitions covered at the last run that saw them (null before any). */
    daysAhead: () => daysAhead,
    stop(): void {
      clearInterval(timer);
    },
  };
}
