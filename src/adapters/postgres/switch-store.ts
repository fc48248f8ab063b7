import type { Sql } from 'postgres';
import type { SwitchStore } from '../../orders/dead-man-switch.js';

/** The dead-man switches on PostgreSQL: one row per armed account; firing deletes it, so one process fires it. */
export function createSwitchStore(sql: Sql): SwitchStore {
  return {
    async arm(accountId, triggerAt) {
      await sql`
        insert into cancel_all_after (account_id, trigger_at) values (${accountId}, to_timestamp(${triggerAt / 1000}))
        on conflict (account_id) do update set trigger_at = excluded.trigger_at, armed_at = now()`;
    },
    async disarm(accountId) {
      await sql`delete from cancel_all_after where account_id = ${accountId}`;
    },
    async takeDue(nowMs, limit) {
      // skip locked: two workers looking at once each take different switches, never the same one.
      const rows = await sql<{ account_id: string; trigger_at: Date }[]>`
        delete from cancel_all_after where account_id in (
          select account_id from cancel_all_after where trigger_at <= to_timestamp(${nowMs / 1000})
          order by trigger_at limit ${limit} for update skip locked)
        returning account_id, trigger_at`;
      return rows.map((row) => ({ accountId: row.account_id, triggerAt: row.trigger_at.getTime() }));
    },
  };
}
