/**
 * What the history's size does to the cost of writing it: the same event inserts the engine makes
 * (batches of 20 orders × 5 events, one statement and one commit each) timed on a fresh
 * `order_events` and on one that already holds `--rows` events (50 million by default), the two
 * alternating in the same run. Run by `npm run bench -- history` against the engine's embedded
 * PostgreSQL, or directly:
 *   DATABASE_URL=postgres://… npx tsx scripts/bench-history.ts [--rows N] [--ids v7|v4] [--rounds R] [--batches B]
 * It creates two scratch databases next to DATABASE_URL's and drops them at the end.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import postgres from 'postgres';
import { migrate } from '../src/adapters/postgres/migrate.js';
import { uuidV7 } from '../src/adapters/os/random-ids.js';
import { appRoot } from '../src/util/app-root.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000000' },
    ids: { type: 'string', default: 'v7' },
    rounds: { type: 'string', default: '4' },
    batches: { type: 'string', default: '500' },
  },
});
const rows = Number(values.rows);
const rounds = Number(values.rounds);
const batches = Number(values.batches);
const ids = values.ids === 'v4' ? 'v4' : 'v7';
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) throw new Error('DATABASE_URL must name the PostgreSQL to use');
const log = pino({ level: 'warn' });
const EVENTS_PER_ORDER = 5;
const ORDERS_PER_BATCH = 20;
const FILL_ORDERS_PER_STATEMENT = 200_000;

const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
const suffix = randomBytes(4).toString('hex');
const urlOf = (name: string) => Object.assign(new URL(baseUrl), { pathname: `/${name}` }).toString();
const databases = { fresh: `history_fresh_${suffix}`, big: `history_big_${suffix}` };
const sqls: Record<keyof typeof databases, postgres.Sql> = {} as never;

try {
  for (const [key, name] of Object.entries(databases) as [keyof typeof databases, string][]) {
    await admin.unsafe(`create database ${name}`);
    sqls[key] = postgres(urlOf(name), { max: 1, onnotice: () => undefined });
    await migrate(sqls[key], `${appRoot()}/sql`, log);
  }

  // The big one: `rows` events of orders of five events each, today (the partition a live engine writes to).
  const fillStarted = performance.now();
  const idExpr = ids === 'v7' ? 'uuidv7()' : 'gen_random_uuid()';
  await sqls.big`set synchronous_commit = off`;
  for (let done = 0; done < rows; done += FILL_ORDERS_PER_STATEMENT * EVENTS_PER_ORDER) {
    const orders = Math.min(FILL_ORDERS_PER_STATEMENT, Math.ceil((rows - done) / EVENTS_PER_ORDER));
    await sqls.big.unsafe(`
      insert into order_events (order_id, seq, status, payload)
      select o.id, s.seq, 'confirmed', '{"type":"order"}'::jsonb
      from (select ${idExpr} as id from generate_series(1, ${orders})) o, generate_series(1, ${EVENTS_PER_ORDER}) as s(seq)`);
    if ((done / (FILL_ORDERS_PER_STATEMENT * EVENTS_PER_ORDER)) % 10 === 0) {
      process.stdout.write(`filled ${(done / 1e6).toFixed(0)} M events (${((performance.now() - fillStarted) / 1000).toFixed(0)} s)\n`);
    }
  }
  await sqls.big`reset synchronous_commit`;
  for (const sql of Object.values(sqls)) {
    await sql`vacuum analyze order_events`;
    await sql`checkpoint`;
  }
  const [size] = await sqls.big<{ heap: string; index: string }[]>`
    select pg_size_pretty(sum(pg_relation_size(c.oid)) filter (where c.relkind = 'r')) as heap,
           pg_size_pretty(sum(pg_relation_size(c.oid)) filter (where c.relkind = 'i')) as index
    from pg_class c where c.relname like 'order_events%'`;
  console.log(`big: ${rows} events (${ids} ids) in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s; heap ${size!.heap}, indexes ${size!.index}`);

  // The engine's insert: a multi-row statement of a batch's events with realistic payloads.
  const payload = (orderId: string, seq: number) => ({
    type: 'order', orderId, seq, status: 'submitted', ts: Date.now(), dex: 'raydium',
    txHash: randomBytes(48).toString('base64url'), lastValidBlockHeight: 123456789,
  });
  async function insertBatches(sql: postgres.Sql): Promise<{ usPerEvent: number; readsPerBatch: number }> {
    const [before] = await sql<{ reads: string }[]>`select blks_read::text as reads from pg_stat_database where datname = current_database()`;
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const input = [];
      for (let o = 0; o < ORDERS_PER_BATCH; o++) {
        const orderId = ids === 'v7' ? uuidV7() : crypto.randomUUID();
        for (let seq = 1; seq <= EVENTS_PER_ORDER; seq++) input.push({ order_id: orderId, seq, status: 'submitted', payload: payload(orderId, seq) });
      }
      await sql`
        insert into order_events (order_id, seq, status, payload)
        select order_id, seq, status, payload from jsonb_to_recordset(${sql.json(input as never)}) as x(order_id uuid, seq int, status text, payload jsonb)`;
    }
    const elapsed = performance.now() - started;
    const [after] = await sql<{ reads: string }[]>`select blks_read::text as reads from pg_stat_database where datname = current_database()`;
    return { usPerEvent: (elapsed * 1000) / (batches * ORDERS_PER_BATCH * EVENTS_PER_ORDER), readsPerBatch: (Number(after!.reads) - Number(before!.reads)) / batches };
  }

  const results: Record<string, { usPerEvent: number; readsPerBatch: number }[]> = { fresh: [], big: [] };
  await insertBatches(sqls.fresh); // warm-up of both connections and plans
  await insertBatches(sqls.big);
  for (let round = 0; round < rounds; round++) {
    for (const key of round % 2 === 0 ? (['fresh', 'big'] as const) : (['big', 'fresh'] as const)) {
      const result = await insertBatches(sqls[key]);
      results[key]!.push(result);
      console.log(`round ${round + 1} ${key.padEnd(5)}: ${result.usPerEvent.toFixed(1)} µs per event, ${result.readsPerBatch.toFixed(1)} blocks read per batch`);
    }
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const fresh = median(results.fresh!.map((r) => r.usPerEvent));
  const big = median(results.big!.map((r) => r.usPerEvent));
  console.log(`median: fresh ${fresh.toFixed(1)} µs per event, with ${rows} events ${big.toFixed(1)} µs: ${(big / fresh).toFixed(2)} × (batches of ${ORDERS_PER_BATCH * EVENTS_PER_ORDER} events, ${ids} ids)`);
} finally {
  for (const sql of Object.values(sqls)) await sql.end();
  for (const name of Object.values(databases)) await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
  await admin.end();
}
