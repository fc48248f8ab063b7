-- Accounts and their API keys. Keys are stored only as a SHA-256 hash of their secret part.
create table accounts (
  id         uuid primary key,
  name       text not null,
  created_at timestamptz not null default now()
);

-- Orders taken with authentication switched off (AUTH=off), and any from before accounts existed.
insert into accounts (id, name) values ('00000000-0000-0000-0000-000000000000', 'open access (AUTH=off)');

create table api_keys (
  id          text primary key,
  account_id  uuid not null references accounts (id),
  name        text not null,
  secret_hash bytea not null,
  created_at  timestamptz not null default now(),
  revoked_at  timestamptz
);
create index api_keys_account_idx on api_keys (account_id);

alter table orders add column account_id uuid not null default '00000000-0000-0000-0000-000000000000' references accounts (id);
alter table orders alter column account_id drop default;

-- A clientOrderId is unique per account; neither column of the key is ever NULL in the index.
drop index orders_client_order_id_key;
create unique index orders_account_client_order_id_key on orders (account_id, client_order_id) where client_order_id is not null;

-- An account's orders, newest first (list), and its open orders (the open-order cap).
create index orders_account_created_at_idx on orders (account_id, created_at desc, id desc);
create index orders_account_open_idx on orders (account_id) where status in ('pending', 'routing', 'building', 'submitted');
