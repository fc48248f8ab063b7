-- The dead-man switch: an account that armed `cancelAllAfter` and did not renew it before
-- trigger_at has every cancellable order cancelled. Kept here, not in a gateway's memory, so it
-- fires even when the gateway that armed it has died. A worker claims a due switch for a while
-- (claimed_until), cancels, then deletes it: one that dies meanwhile leaves it to the next.
-- Times are the database's own clock (now()), whichever host armed or fires it.
create table if not exists cancel_all_after (
  account_id    uuid primary key,
  trigger_at    timestamptz not null,
  armed_at      timestamptz not null default now(),
  claimed_until timestamptz
);
create index if not exists cancel_all_after_trigger_at_idx on cancel_all_after (trigger_at);
