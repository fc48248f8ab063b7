import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DAYS_AHEAD, maintainHistory } from '../../src/adapters/postgres/history-partitions.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createOrderStore } from '../../src/adapters/postgres/order-store.js';
import { uuidV7 } from '../../src/adapters/os/random-ids.js';
import { OPEN_ACCESS_ACCOUNT } from '../../src/accounts/ports.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { ROOT } from '../helpers/test-engine.js';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

describe('order history partitioned by day', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseUrl'));
    sql = postgres(database.url, { max: 4, onnotice: () => undefined });
    await migrate(sql, `${ROOT}/sql`, log);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  const partitions = async () =>
    (
      await sql<{ name: string }[]>`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'order_events'::regclass order by c.relname`
    ).map((row) => row.name);
  const dayName = (ms: number) => `order_events_p${iso(ms).slice(0, 10).replaceAll('-', '')}`;

  /** An order created at `createdAt` with an event per entry of `events` (seq 1, 2, …, each at its time). */
  async function orderWith(status: string, createdAt: number, events: number[]): Promise<string> {
    const id = uuidV7(createdAt);
    await sql`
      insert into orders (id, account_id, type, side, pair, amount, slippage_bps, status, last_seq, created_at, updated_at)
      values (${id}, ${OPEN_ACCESS_ACCOUNT}, 'market', 'buy', 'SOL/USDC', 1, 100, ${status}, ${events.length}, ${iso(createdAt)}, ${iso(createdAt)})`;
    for (const [i, at] of events.entries()) {
      const payload = { type: 'order', orderId: id, seq: i + 1, status: i === 0 ? 'pending' : status, ts: at };
      await sql`insert into order_events (order_id, seq, status, payload, created_at) values (${id}, ${i + 1}, ${payload.status}, ${sql.json(payload)}, ${iso(at)})`;
    }
    return id;
  }

  it('starts with the rows from before as one partition, and a partition per day for the week ahead', async () => {
    const names = await partitions();
    expect(names).toContain('order_events_before_partitioning');
    for (let day = 1; day <= DAYS_AHEAD; day++) expect(names).toContain(dayName(today + day * DAY));
    // Today's maintenance has nothing to add (today is in the first partition), and a second run nothing either.
    expect(await maintainHistory(sql, { retentionDays: 30, afterRetention: 'drop' }, log)).toMatchObject({ removed: [], ordersDeleted: 0 });
    const again = await maintainHistory(sql, { retentionDays: 30, afterRetention: 'drop' }, log);
    expect(again).toMatchObject({ created: [], removed: [], ordersDeleted: 0 });
    expect(again.daysAhead).toBeGreaterThanOrEqual(DAYS_AHEAD); // what event writes have left before they fail
  });

  it('keeps get and the event history working for an order whose events span several days', async () => {
    const id = await orderWith('confirmed', today + 4 * DAY, [today + 4 * DAY + 1_000, today + 4 * DAY + 2_000, today + 6 * DAY]);
    const store = createOrderStore(sql);
    expect((await store.eventsAfter(id, 0)).map((event) => event.seq)).toEqual([1, 2, 3]);
    expect((await store.eventsAfter(id, 1)).map((event) => event.seq)).toEqual([2, 3]);
    expect((await store.get(id))?.status).toBe('confirmed');
    const listed = await store.list({ accountId: OPEN_ACCESS_ACCOUNT, limit: 10 });
    expect(listed.orders.map((order) => order.id)).toContain(id);
    // The lookup searches only the partitions from the order's day on (pruned when it runs).
    const plan = (await sql.unsafe(`explain (analyze, costs off) select payload from order_events where order_id = '${id}' and seq > 0
      and created_at >= (select created_at - interval '1 day' from orders where id = '${id}') order by seq`)).map((row) => Object.values(row)[0]).join('\n');
    expect(plan).toMatch(/order_events_before_partitioning order_events_\d+ \(never executed\)/);
    expect(plan).toMatch(new RegExp(`${dayName(today + 2 * DAY)} order_events_\\d+ \\(never executed\\)`)); // the days before the order's (but one) are not searched
  });

  it('past the retention, removes whole days and the finished orders of them; a resting order keeps its row and its whole history', async () => {
    const old = today + 2 * DAY;
    const finished = await orderWith('confirmed', old, [old + 1_000, old + 2_000]);
    const later = today + 40 * DAY;
    // Forty days on (with a longer retention, so far nothing goes): that week's partitions are created.
    const first = await maintainHistory(sql, { retentionDays: 60, afterRetention: 'drop' }, log, later);
    expect(first).toMatchObject({ removed: [], ordersDeleted: 0 });
    expect(first.created).toContain(dayName(later));
    const resting = await orderWith('open', old, [old + 3_000, later + 5_000]);
    const lateFill = await orderWith('confirmed', old, [old + 4_000, later + 6_000]);
    await sql`update orders set updated_at = ${iso(later + 6_000)} where id = ${lateFill}`;

    // Run again 41 days on: every day before day 11 is past a 30-day retention.
    const run = await maintainHistory(sql, { retentionDays: 30, afterRetention: 'drop' }, log, later + DAY);
    expect(run.removed).toContain(dayName(old));
    expect(run.removed).toContain('order_events_before_partitioning');
    expect(run.removed).not.toContain(dayName(later));
    expect(run.ordersDeleted).toBeGreaterThanOrEqual(1);
    const names = await partitions();
    expect(names).not.toContain(dayName(old));
    expect(names).toContain(dayName(later));
    const store = createOrderStore(sql);
    expect(await store.get(finished)).toBeNull();
    expect(await sql`select 1 from order_events where order_id = ${finished}`).toHaveLength(0);
    expect((await store.get(resting))?.status).toBe('open');
    // Its events of the day that went were copied forward first: a subscribe from seq 0 replays it all.
    expect((await store.eventsAfter(resting, 0)).map((event) => event.seq)).toEqual([1, 2]);
    expect(await sql`select 1 from order_events where order_id = ${resting}`).toHaveLength(2);
    // A long-resting order that ended yesterday is not deleted with the orders of its creation day.
    expect(await store.get(lateFill)).not.toBeNull();
    // Dropped: the day's table is gone, not only detached.
    expect(await sql`select 1 from pg_class where relname = ${dayName(old)}`).toHaveLength(0);
  });

  it('with HISTORY_AFTER_RETENTION=detach leaves a day past the retention as a table of its own, for an operator to archive', async () => {
    const day = today + 45 * DAY;
    await maintainHistory(sql, { retentionDays: 30, afterRetention: 'detach' }, log, day);
    const at = day + 1_000;
    const id = await orderWith('confirmed', at, [at]);
    const run = await maintainHistory(sql, { retentionDays: 30, afterRetention: 'detach' }, log, day + 31 * DAY);
    expect(run.removed).toContain(dayName(day));
    expect(await partitions()).not.toContain(dayName(day));
    expect(await sql.unsafe(`select order_id from ${dayName(day)}`)).toEqual([{ order_id: id }]);
  });

  it('finalizes a detach a killed run left pending, before any other', async () => {
    const day = today + 300 * DAY;
    await maintainHistory(sql, { retentionDays: 365, afterRetention: 'drop' }, log, day);
    // A DETACH ... CONCURRENTLY waits for every transaction that may still see the partition: kill
    // it while it waits (as a process killed mid-run would), and the partition stays pending.
    const reader = postgres(database.url, { max: 1, onnotice: () => undefined });
    const detacher = postgres(database.url, { max: 1, onnotice: () => undefined });
    try {
      await reader.begin(async (tx) => {
        await tx`select 1 from order_events limit 1`;
        const [me] = await detacher<{ pid: number }[]>`select pg_backend_pid() as pid`;
        const detaching = detacher.unsafe(`alter table order_events detach partition ${dayName(day)} concurrently`).then(
          () => 'detached',
          () => 'killed',
        );
        for (let i = 0; i < 100; i++) {
          const [row] = await sql<{ pending: boolean }[]>`select inhdetachpending as pending from pg_inherits where inhrelid = ${dayName(day)}::regclass`;
          if (row?.pending) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await sql`select pg_terminate_backend(${me!.pid})`;
        expect(await detaching).toBe('killed');
      });
    } finally {
      await Promise.all([reader.end(), detacher.end({ timeout: 1 })]);
    }
    const [left] = await sql<{ pending: boolean }[]>`select inhdetachpending as pending from pg_inherits where inhrelid = ${dayName(day)}::regclass`;
    expect(left?.pending).toBe(true);
    // Past the retention of every earlier day too: the pending one goes first, then the others.
    const run = await maintainHistory(sql, { retentionDays: 30, afterRetention: 'drop' }, log, day + 40 * DAY);
    expect(run.removed[0]).toBe(dayName(day));
    expect(await partitions()).not.toContain(dayName(day));
  });

  it('runs in one process at a time: two at once create each day once', async () => {
    const far = today + 200 * DAY;
    const runs = await Promise.all([0, 1, 2].map(() => maintainHistory(sql, { retentionDays: 365, afterRetention: 'drop' }, log, far)));
    const created = runs.flatMap((run) => run.created);
    expect(created.length).toBeGreaterThan(DAYS_AHEAD);
    expect(new Set(created).size).toBe(created.length);
    expect(await maintainHistory(sql, { retentionDays: 365, afterRetention: 'drop' }, log, far)).toMatchObject({ created: [] });
  });
});
