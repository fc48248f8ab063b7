-- A market order may execute only until its deadline (deadlineMs after its ack, 10 s unless the
-- client says otherwise): past it the order ends `expired` and its transaction is never sent.
-- `open` (a resting order waiting for its condition) and `expired` join the statuses.
set local lock_timeout = '5s';
alter table orders drop constraint if exists orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('pending', 'open', 'routing', 'building', 'submitted', 'confirmed', 'failed', 'cancelled', 'expired')) not valid;
alter table orders validate constraint orders_status_check;
-- NULL for orders placed before deadlines existed: they keep running as they did.
alter table orders add column if not exists deadline_ms integer check (deadline_ms between 100 and 60000);
