-- Orders and their event history. Column names are part of the public contract.
create table orders (
  id                      uuid primary key,
  client_order_id         text,
  type                    text not null check (type in ('market')),
  side                    text not null check (side in ('buy', 'sell')),
  pair                    text not null,
  amount                  numeric not null check (amount > 0),
  slippage_bps            integer not null check (slippage_bps between 1 and 5000),
  status                  text not null check (status in ('pending', 'routing', 'building', 'submitted', 'confirmed', 'failed')),
  dex                     text check (dex in ('raydium', 'meteora')),
  limit_amount            numeric,
  executed_price          numeric,
  amount_out              numeric,
  tx_hash                 text unique,
  last_valid_block_height bigint,
  failure_code            text,
  failure_reason          text,
  attempts                integer not null default 0,
  last_seq                integer not null default 1,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now()
);

create index orders_created_at_idx on orders (created_at desc, id desc);
create index orders_status_idx on orders (status) where status not in ('confirmed', 'failed');

create table order_events (
  order_id   uuid not null references orders (id),
  seq        integer not null check (seq >= 1),
  status     text not null,
  payload    jsonb not null,
  created_at timestamptz not null default now(),
  primary key (order_id, seq)
);
