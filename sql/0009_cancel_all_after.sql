-- The dead-man switch: an account that armed `cancelAllAfter` and did not renew it before
-- trigger_at has every cancellable order cancelled. Kept here, not in a gateway's memory, so it
-- fires even when the gateway that armed it has died; taken (deleted) by the one firing, so once.
create table if not exists cancel_all_after (
  account_id uuid primary key,
  trigger_at timestamptz not null,
  armed_at   timestamptz not null default now()
);
create index if not exists cancel_all_after_trigger_at_idx on cancel_all_after (trigger_at);
