-- A large order may be split over both venues in one transaction: `dex` says 'split' and `legs`
-- holds each leg ([{"dex","amount"}], BASE amounts), so a re-sent transaction is rebuilt byte for
-- byte. A single-venue order keeps `legs` NULL (its one leg is `dex` and `amount`).
-- The new check is added NOT VALID (no scan under the table lock), then validated, which only
-- takes a lock that lets inserts and updates go on.
set local lock_timeout = '5s';
alter table orders drop constraint if exists orders_dex_check;
alter table orders add constraint orders_dex_check check (dex in ('raydium', 'meteora', 'split')) not valid;
alter table orders validate constraint orders_dex_check;
alter table orders add column if not exists legs jsonb;
