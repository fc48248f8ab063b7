import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { ROOT } from '../helpers/test-engine.js';
import { createSwitchStore } from '../../src/adapters/postgres/switch-store.js';
import { openEngine, type EngineFixture } from '../helpers/engine-fixture.js';

describe('the dead-man switch (cancelAllAfter)', () => {
  let fixture: EngineFixture;
  // Quotes take long, so the orders stay cancellable while the switch runs down.
  beforeAll(async () => {
    fixture = await openEngine({ env: { MOCK_QUOTE_LATENCY_MS: '6000' } });
  });
  afterAll(async () => fixture?.close());

  it('cancels every cancellable order of the account once the switch is not renewed in time, and fires once', async () => {
    const { client, sql } = fixture;
    client.send({ op: 'cancelAllAfter', reqId: 'arm', timeoutMs: 1_000 });
    const armed = await client.waitFor((m) => m.reqId === 'arm');
    expect(armed).toMatchObject({ type: 'cancel_all_after' });
    expect(armed.triggerAt as number).toBeGreaterThan(Date.now());
    for (let i = 0; i < 3; i++) client.send({ op: 'submit', reqId: `o${i}`, type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    const acks = await Promise.all([0, 1, 2].map((i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `o${i}`)));
    for (const ack of acks) {
      const end = (await client.settle(ack.orderId as string, 10_000)).at(-1)!;
      expect(end).toMatchObject({ status: 'cancelled' });
      expect(end.reason).toMatch(/dead-man switch/);
    }
    // Fired once: the switch is gone, and later orders run.
    expect(await sql`select * from cancel_all_after`).toHaveLength(0);
  });

  it('does not fire while it is renewed, nor once disarmed', async () => {
    const { client, sql } = fixture;
    client.send({ op: 'cancelAllAfter', reqId: 'a1', timeoutMs: 1_000 });
    await client.waitFor((m) => m.reqId === 'a1');
    client.send({ op: 'submit', reqId: 'kept', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    const ack = await client.waitFor((m) => m.type === 'ack' && m.reqId === 'kept');
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.send({ op: 'cancelAllAfter', reqId: `renew${i}`, timeoutMs: 1_000 });
      await client.waitFor((m) => m.reqId === `renew${i}`);
    }
    client.send({ op: 'cancelAllAfter', reqId: 'off', timeoutMs: 0 });
    expect(await client.waitFor((m) => m.reqId === 'off')).toMatchObject({ type: 'cancel_all_after', triggerAt: 0 });
    expect(await sql`select * from cancel_all_after`).toHaveLength(0);
    // Well past the last renewal's time: still not cancelled, it runs to its end.
    expect((await client.settle(ack.orderId as string, 15_000)).at(-1)).toMatchObject({ status: 'confirmed' });
  });

  it('hands each due switch to one claimer however many look at once, forgets it once fired, and keeps one re-armed meanwhile', async () => {
    // A database of its own: no engine's worker fires these switches while the test claims them.
    const database = await createTestDatabase(inject('databaseUrl'));
    const sql = postgres(database.url, { max: 4, onnotice: () => undefined });
    await migrate(sql, `${ROOT}/sql`, createLogger('silent'));
    const switches = createSwitchStore(sql);
    const accounts = Array.from({ length: 20 }, () => randomUUID());
    const armedAt = await Promise.all(accounts.map((account) => switches.arm(account, 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [a, b] = await Promise.all([switches.claimDue(100), switches.claimDue(100)]);
    const claimed = [...a, ...b].map((item) => item.accountId);
    expect(claimed.sort()).toEqual([...accounts].sort()); // every one, and none twice
    expect(await switches.claimDue(100)).toEqual([]); // claimed: nobody else gets them meanwhile
    expect(a.concat(b).find((item) => item.accountId === accounts[0])!.triggerAt).toBe(armedAt[0]);
    await switches.arm(accounts[1]!, 60_000); // re-armed while its firing runs: it must stay
    for (const { accountId, triggerAt } of [...a, ...b]) await switches.fired(accountId, triggerAt);
    const left = await sql<{ account_id: string }[]>`select account_id from cancel_all_after`;
    expect(left.map((row) => row.account_id)).toEqual([accounts[1]]);
    await sql.end();
    await database.drop();
  });
});
