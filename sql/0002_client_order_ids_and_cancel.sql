-- Idempotent submit: one order per client order id. The index is partial, so it only ever holds
-- rows whose key is NOT NULL (a NULL would make every row distinct and let duplicates through).
create unique index orders_client_order_id_key on orders (client_order_id) where client_order_id is not null;

-- Orders can be cancelled until their transaction is signed.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('pending', 'routing', 'building', 'submitted', 'confirmed', 'failed', 'cancelled'));

-- Listing newest first, optionally by status, with a (created_at, id) keyset cursor.
create index orders_status_created_at_idx on orders (status, created_at desc, id desc);
