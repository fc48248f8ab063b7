-- Every status change rewrote the order row in each index on it. Lists are per account now and the
-- open-order cap lives in the gateway, so these indexes only cost writes.
drop index orders_created_at_idx;
drop index orders_status_idx;
drop index orders_status_created_at_idx;
drop index orders_account_open_idx;

-- The sweep for never-queued orders looks at recent rows only; a BRIN index on the insert-ordered
-- creation time finds them without slowing any update.
create index orders_created_at_brin on orders using brin (created_at);

-- Room on each page so a status change can be a HOT update (no index touched at all).
alter table orders set (fillfactor = 80);
