import type { Sql } from 'postgres';
import type { SwitchStore } from '../../orders/dead-man-switch.js';

/** How long a worker holds a switch it is firing before another may take it over. */
const CLAIM_SECONDS = 30;

/**
 * The dead-man switches on PostgreSQL, on the database's clock: one row per armed account. A due
 * switch is claimed (skip locked: two workers never claim the same one) and deleted only once
 * fired, so a worker that dies while firing leaves it to the next: it fires at least once, and a
 * second firing cancels nothing more.
 */
export function createSwitchStore(sql: Sql): SwitchStore {
  return {
    async arm(accountId, timeoutMs) {
      const [row] = await sql<{ trigger_at: Date }[]>`
        insert into cancel_all_after (account_id, trigger_at) values (${accountId}, date_trunc('milliseconds', now() + make_interval(secs => ${timeoutMs / 1000})))
        on conflict (account_id) do update set trigger_at = excluded.trigger_at, armed_at = now(), claimed_until = null
        returning trigger_at`;
      return row!.trigger_at.getTime();
    },
    async disarm(accountId) {
      await sql`delete from cancel_all_after where account_id = ${accountId}`;
    },
    async claimDue(limit) {
      const rows = await sql<{ account_id: string; trigger_at: Date }[]>`
        update cancel_all_after set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
        where account_id in (
          select account_id from cancel_all_after
          where trigger_at <= now() and (claimed_until is null or claimed_until < now())
          order by trigger_at limit ${limit} for update skip locked)
        returning account_id, trigger_at`;
      return rows.map((row) => ({ accountId: row.account_id, triggerAt: row.trigger_at.getTime() }));
    },
    async fired(accountId, triggerAt) {
      // Only the switch as it was claimed (times are whole milliseconds): one re-armed meanwhile stays.
      await sql`delete from cancel_all_after where account_id = ${accountId} and trigger_at = date_trunc('milliseconds', to_timestamp(${triggerAt / 1000}))`;
    },
  };
}
