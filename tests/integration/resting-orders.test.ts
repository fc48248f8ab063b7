import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/engine-fixture.js';
import { ask, type Client, type Message } from '../helpers/ws-client.js';

const PAIR = 'SOL/USDC';

/** The effective price of `amount` SOL now (QUOTE per BASE, fees included), from the engine's own quote. */
async function priceOf(client: Client, side: 'buy' | 'sell', amount = 1): Promise<number> {
  const quote = await ask(client, { op: 'quote', pair: PAIR, side, amount: String(amount) });
  expect(quote.type).toBe('quote');
  const legs = quote.route as Array<{ amount: string; amountIn?: string; amountOut?: string }>;
  const quoteAmount = legs.reduce((sum, leg) => sum + Number(side === 'buy' ? leg.amountIn : leg.amountOut), 0);
  return quoteAmount / amount;
}

const statuses = (updates: Message[]) => updates.map((update) => update.status);
const waitStatus = (client: Client, orderId: string, status: string, timeoutMs = 15_000) =>
  client.waitFor((m) => m.type === 'order' && m.orderId === orderId && m.status === status, timeoutMs);

describe('resting orders: limit and stop, time in force, amend and cancel', () => {
  const engine = useEngine({ env: { MOCK_QUOTE_LATENCY_MS: '0', MOCK_EXEC_LATENCY_MS: '0-50' } });

  it('rests a GTC limit buy below the market, then fills it when the market comes to it, never worse than the limit', async () => {
    const { client, app } = engine();
    const limitPrice = ((await priceOf(client, 'buy')) * 0.99).toFixed(4);
    const ack = await ask(client, { op: 'submit', type: 'limit', side: 'buy', pair: PAIR, amount: '1', limitPrice });
    const orderId = ack.orderId as string;
    const open = await waitStatus(client, orderId, 'open');
    expect(open).toMatchObject({ orderType: 'limit', side: 'buy', pair: PAIR, amount: '1', limitPrice, timeInForce: 'GTC', reason: 'placed' });
    expect(Number((open.quote as { price: string }).price)).toBeGreaterThan(Number(limitPrice));
    // It rests: a few slots later it is still open.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(statuses(client.updatesOf(orderId)).at(-1)).toBe('open');

    // A whale dumps SOL on both pools: the market falls far through the limit.
    const market = app.engine.market!;
    for (const dex of ['raydium', 'meteora'] as const) market.fill(dex, PAIR, 'sell', dex === 'raydium' ? 20_000 : 3_000, { side: 'sell', minAmountOut: 0 }, Date.now());
    const updates = await client.settle(orderId, 20_000);
    expect(statuses(updates).slice(0, 3)).toEqual(['pending', 'open', 'routing']);
    const routing = updates.find((u) => u.status === 'routing')!;
    expect(routing.triggeredAt).toEqual(expect.any(Number));
    expect(Number(routing.price)).toBeLessThanOrEqual(Number(limitPrice));
    const end = updates.at(-1)!;
    expect(end.status).toBe('confirmed');
    expect(Number(end.executedPrice)).toBeLessThanOrEqual(Number(limitPrice));
    expect(Number(end.amountIn)).toBeLessThanOrEqual(Number(limitPrice) * 1 + 1e-6);
  });

  it('fills a limit that crosses on arrival at once, without resting', async () => {
    const { client } = engine();
    const limitPrice = ((await priceOf(client, 'sell')) * 0.98).toFixed(4);
    const ack = await ask(client, { op: 'submit', type: 'limit', side: 'sell', pair: PAIR, amount: '0.5', limitPrice });
    const updates = await client.settle(ack.orderId as string);
    expect(statuses(updates)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    expect(Number(updates.at(-1)!.executedPrice)).toBeGreaterThanOrEqual(Number(limitPrice));
  });

  it('expires an IOC limit the market does not reach, without resting or sending it', async () => {
    const { client, sql } = engine();
    const limitPrice = ((await priceOf(client, 'buy')) * 0.9).toFixed(4);
    const ack = await ask(client, { op: 'submit', type: 'limit', side: 'buy', pair: PAIR, amount: '1', limitPrice, timeInForce: 'IOC' });
    const updates = await client.settle(ack.orderId as string);
    expect(statuses(updates)).toEqual(['pending', 'expired']);
    expect(updates.at(-1)).toMatchObject({ error: { code: 'LIMIT_NOT_REACHED' } });
    const [row] = await sql`select tx_hash, resting_pair from orders where id = ${ack.orderId as string}`;
    expect(row).toEqual({ tx_hash: null, resting_pair: null });
  });

  it('expires a GTD limit at its expireAt, on the engine clock, while nothing else happens to it', async () => {
    const { client } = engine();
    const limitPrice = ((await priceOf(client, 'buy')) * 0.8).toFixed(4);
    const expireAt = Date.now() + 1_500;
    const ack = await ask(client, { op: 'submit', type: 'limit', side: 'buy', pair: PAIR, amount: '1', limitPrice, timeInForce: 'GTD', expireAt });
    const orderId = ack.orderId as string;
    expect(await waitStatus(client, orderId, 'open')).toMatchObject({ timeInForce: 'GTD', expireAt });
    const expired = await waitStatus(client, orderId, 'expired', 10_000);
    expect(expired).toMatchObject({ error: { code: 'EXPIRED' } });
    expect(expired.ts as number).toBeGreaterThanOrEqual(expireAt);
    // Soon after its time: the expiry is looked at four times a second (the bound leaves room for a loaded machine).
    expect((expired.ts as number) - expireAt).toBeLessThan(1_500);
  });

  it('refuses a GTD expireAt in the past', async () => {
    const { client } = engine();
    const reply = await ask(client, { op: 'submit', type: 'limit', side: 'buy', pair: PAIR, amount: '1', limitPrice: '1', timeInForce: 'GTD', expireAt: Date.now() - 1 });
    expect(reply).toMatchObject({ type: 'error', code: 'INVALID_ORDER', field: 'expireAt' });
  });

  it('amends a resting order (new terms in an open event, listed as open) and cancels it; an ended order is NOT_AMENDABLE', async () => {
    const { client } = engine();
    const ack = await ask(client, { op: 'submit', clientOrderId: 'amend-me', type: 'limit', side: 'buy', pair: PAIR, amount: '1', limitPrice: '10' });
    const orderId = ack.orderId as string;
    await waitStatus(client, orderId, 'open');
    const amended = await ask(client, { op: 'amend', clientOrderId: 'amend-me', limitPrice: '11', amount: '2' });
    expect(amended).toMatchObject({ type: 'amended', orderId, seq: 3 });
    expect(await client.waitFor((m) => m.type === 'order' && m.orderId === orderId && m.seq === 3)).toMatchObject({
      status: 'open',
      reason: 'amended',
      limitPrice: '11',
      amount: '2',
    });
    const listed = await ask(client, { op: 'list', status: 'open' });
    expect((listed.orders as Array<Record<string, unknown>>).find((o) => o.orderId === orderId)).toMatchObject({ type: 'limit', limitPrice: '11', amount: '2', status: 'open' });
    const wrongTerm = await ask(client, { op: 'amend', orderId, triggerPrice: '5' });
    expect(wrongTerm).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE', field: 'triggerPrice' });
    expect(await ask(client, { op: 'cancel', orderId })).toMatchObject({ type: 'cancelled', orderId });
    expect(await ask(client, { op: 'amend', orderId, limitPrice: '12' })).toMatchObject({ type: 'error', code: 'NOT_AMENDABLE', status: 'cancelled' });
  });

  it('triggers a stop once the reference price crosses it, as a market order with its slippage', async () => {
    const { client } = engine();
    const price = await priceOf(client, 'sell');
    // A stop-loss above the market has already been crossed from above: it triggers at the next slot.
    const near = await ask(client, { op: 'submit', type: 'stop', side: 'sell', pair: PAIR, amount: '1', triggerPrice: (price * 1.05).toFixed(2), trigger: 'below', slippageBps: 100 });
    // A take-profit far above does not.
    const far = await ask(client, { op: 'submit', type: 'stop', side: 'sell', pair: PAIR, amount: '1', triggerPrice: (price * 2).toFixed(2), trigger: 'above' });
    const updates = await client.settle(near.orderId as string);
    expect(statuses(updates)).toEqual(['pending', 'open', 'routing', 'building', 'submitted', 'confirmed']);
    const routing = updates.find((u) => u.status === 'routing')!;
    expect(Number(routing.price)).toBeLessThanOrEqual(price * 1.05);
    expect(routing.triggeredAt).toEqual(expect.any(Number));
    expect((updates.find((u) => u.status === 'building')!.limit as { minAmountOut: string }).minAmountOut).toBeDefined();
    const farOpen = await waitStatus(client, far.orderId as string, 'open');
    expect(farOpen).toMatchObject({ orderType: 'stop', trigger: 'above', quote: { reference: expect.any(String) } });
    const state = await ask(client, { op: 'get', orderId: far.orderId });
    expect(state.order).toMatchObject({ type: 'stop', status: 'open', trigger: 'above', timeInForce: 'GTC' });
  });
});
