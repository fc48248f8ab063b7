-- A large order may be split over both venues in one transaction: `dex` says 'split' and `legs`
-- holds each leg ([{"dex","amount"}], BASE amounts), so a re-sent transaction is rebuilt byte for
-- byte. A single-venue order keeps `legs` NULL (its one leg is `dex` and `amount`).
set local lock_timeout = '5s';
alter table orders drop constraint if exists orders_dex_check;
alter table orders add constraint orders_dex_check check (dex in ('raydium', 'meteora', 'split'));
alter table orders add column if not exists legs jsonb;
