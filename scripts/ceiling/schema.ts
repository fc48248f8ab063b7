import type { Sql } from 'postgres';

/**
 * The ceiling's own tables, beside the engine's in the same database: an order row (what the
 * engine's guarded status changes need) and one row per event. Like the engine's `orders`, the row
 * leaves half of each page free so that its status changes stay HOT updates, and no foreign key
 * sits on the write path.
 */
const TABLES = `
create table if not exists ceiling_orders (
  id              uuid primary key,
  client_order_id text,
  side            text not null,
  pair            text not null,
  amount          numeric not null,
  slippage_bps    integer not null,
  status          text not null,
  last_seq        integer not null default 1,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
) with (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
create unique index if not exists ceiling_orders_client_order_id_key on ceiling_orders (client_order_id) where client_order_id is not null;
create table if not exists ceiling_order_events (
  order_id   uuid not null,
  seq        integer not null,
  status     text not null,
  payload    jsonb not null,
  created_at timestamptz not null default now(),
  primary key (order_id, seq)
);`;

/** Creates the tables if missing; under an advisory lock, so two starting at once do not race. */
export async function ensureCeilingSchema(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('ceiling-schema'))`;
    await tx.unsafe(TABLES);
  });
}
