-- Order history partitioned by time: `order_events` becomes a table partitioned by range of
-- created_at, one partition per UTC day (order_events_pYYYYMMDD). Partitions are created a week
-- ahead and detached (then dropped, unless kept) past the retention by the history maintenance
-- (src/adapters/postgres/history-partitions.ts), which every process runs at start and then every
-- hour: removing a day is a catalogue change, not a DELETE of millions of rows. Both are done
-- without blocking the writes of orders (ATTACH takes a lock that lets inserts go on, DETACH runs
-- CONCURRENTLY), which is also why there is no DEFAULT partition: it would rule out both.
--
-- The primary key of a partitioned table must include its partition key, so it is
-- (order_id, seq, created_at). (order_id, seq) stays unique by construction: an event is only
-- ever written by the statement that moves its order, at the order's next last_seq, under the
-- order's row lock.
--
-- The events there are now stay where they are: the old table becomes the partition of everything
-- before tomorrow (UTC), after a check that proves it, and its primary key is replaced by the
-- partitioned one. The rename holds the table's exclusive lock to the end of the migration, so
-- event writes wait for the check's scan and the key's build: quick on a young database; on a
-- large one, plan a window for it.
-- Day arithmetic in UTC, whatever the server's time zone (a DST change would shift the bounds).
set local timezone = 'UTC';
set local lock_timeout = '5s';
alter table order_events rename to order_events_before_partitioning;
alter table order_events_before_partitioning drop constraint order_events_pkey;

create table order_events (
  order_id   uuid not null,
  seq        integer not null constraint order_events_seq_check check (seq >= 1),
  status     text not null,
  payload    jsonb not null,
  created_at timestamptz not null default now(),
  primary key (order_id, seq, created_at)
) partition by range (created_at);

do $$
declare
  day integer;
  upper_bound timestamptz := (date_trunc('day', now() at time zone 'UTC') + interval '1 day') at time zone 'UTC';
begin
  execute format('alter table order_events_before_partitioning add constraint order_events_before_partitioning_range check (created_at is not null and created_at < %L) not valid', upper_bound);
  alter table order_events_before_partitioning validate constraint order_events_before_partitioning_range;
  execute format('alter table order_events attach partition order_events_before_partitioning for values from (minvalue) to (%L)', upper_bound);
  alter table order_events_before_partitioning drop constraint order_events_before_partitioning_range;
  -- The next week's days (the maintenance keeps a week ahead from then on).
  for day in 0..6 loop
    execute format('create table order_events_p%s partition of order_events for values from (%L) to (%L)',
      to_char((upper_bound + day * interval '1 day') at time zone 'UTC', 'YYYYMMDD'), upper_bound + day * interval '1 day', upper_bound + (day + 1) * interval '1 day');
  end loop;
end
$$;
