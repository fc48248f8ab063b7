import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type EngineFixture } from '../helpers/engine-fixture.js';

describe('cancelAll', () => {
  let fixture: EngineFixture;
  // Quotes take long, so the orders stay cancellable (routing) while the test cancels them.
  beforeAll(async () => {
    fixture = await openEngine({ env: { MOCK_QUOTE_LATENCY_MS: '3000' } });
  });
  afterAll(async () => fixture?.close());

  it("cancels every cancellable order of the account, of one pair when asked, and leaves other accounts' orders alone", async () => {
    const { client, app } = fixture;
    const other = await app.newKey('other');
    const stranger = await fixture.connect(`${app.baseWsUrl}?key=${other.key}`);
    stranger.send({ op: 'submit', reqId: 's', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    const theirs = await stranger.waitFor((m) => m.type === 'ack' && m.reqId === 's');
    const pairs = ['SOL/USDC', 'SOL/USDC', 'SOL/USDC', 'JUP/USDC'];
    pairs.forEach((pair, i) => client.send({ op: 'submit', reqId: `o${i}`, type: 'market', side: 'buy', pair, amount: '1' }));
    const acks = await Promise.all(pairs.map((_, i) => client.waitFor((m) => m.type === 'ack' && m.reqId === `o${i}`)));
    const ids = acks.map((ack) => ack.orderId as string);

    client.send({ op: 'cancelAll', reqId: 'jup', pair: 'JUP/USDC' });
    expect(await client.waitFor((m) => m.reqId === 'jup')).toEqual({ type: 'cancelled_all', reqId: 'jup', count: 1, orderIds: [ids[3]] });
    client.send({ op: 'cancelAll', reqId: 'all' });
    const all = await client.waitFor((m) => m.reqId === 'all');
    expect(all).toMatchObject({ type: 'cancelled_all', count: 3 });
    expect([...(all.orderIds as string[])].sort()).toEqual(ids.slice(0, 3).sort());
    for (const id of ids) expect((await client.settle(id)).at(-1)).toMatchObject({ status: 'cancelled' });
    client.send({ op: 'cancelAll', reqId: 'again' });
    expect(await client.waitFor((m) => m.reqId === 'again')).toEqual({ type: 'cancelled_all', reqId: 'again', count: 0, orderIds: [] });
    // The other account's order runs on.
    expect((await stranger.settle(theirs.orderId as string, 20_000)).at(-1)).toMatchObject({ status: 'confirmed' });
  });
});
