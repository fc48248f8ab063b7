-- Orders that wait: limit, stop and sniper orders rest in `open` until their condition holds.
-- Their terms get columns of their own (NULL for market orders):
--   limit_price        limit: the worst effective price (QUOTE per BASE, fees included);
--                      sniper: its maxPrice
--   trigger_price      stop: the reference price that triggers it, crossed from trigger_direction
--   time_in_force      GTC, GTD or IOC (limit, stop); expire_at ends a GTD order's (or a sniper's) rest
--   triggered_at       when its condition last held: a triggered order's deadline counts from it
-- A sniper's `amount` is the QUOTE it spends; the BASE it buys is decided when it triggers and
-- kept in `legs` with the route.
-- `resting_pair` is the order's pair while it is `open`, NULL otherwise. Two partial indexes hold
-- only the resting orders: by id, the order the trigger component loads them in (pages of a keyset
-- scan, no sort), and by account, for the cap on an account's resting orders. Market orders never
-- set it, so their status changes stay HOT updates (no indexed column of theirs changes).
set local lock_timeout = '5s';
alter table orders drop constraint if exists orders_type_check;
alter table orders add constraint orders_type_check check (type in ('market', 'limit', 'stop', 'sniper')) not valid;
alter table orders validate constraint orders_type_check;
alter table orders
  add column if not exists limit_price numeric check (limit_price > 0),
  add column if not exists trigger_price numeric check (trigger_price > 0),
  add column if not exists trigger_direction text check (trigger_direction in ('above', 'below')),
  add column if not exists time_in_force text check (time_in_force in ('GTC', 'GTD', 'IOC')),
  add column if not exists expire_at timestamptz,
  add column if not exists triggered_at timestamptz,
  add column if not exists resting_pair text;
create index if not exists orders_resting_idx on orders (id) where resting_pair is not null;
create index if not exists orders_resting_account_idx on orders (account_id) where resting_pair is not null;
