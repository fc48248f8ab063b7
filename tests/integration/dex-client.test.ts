import postgres from 'postgres';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createDexClient, DexError, type DexClient, type OrderUpdate } from '../../web/dex-client.js';
import { checkServerMessage } from '../helpers/protocol-contract.js';
import { startTestEngine, type TestEngine } from '../helpers/test-engine.js';

const market = { type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' } as const;

/** A client of the test engine; every message it gets is checked against the AsyncAPI document too. */
function clientOf(app: TestEngine, options: Partial<Parameters<typeof createDexClient>[0]> = {}): DexClient {
  const on = { message: checkServerMessage, update: checkServerMessage, ...options.on };
  return createDexClient({ url: app.baseWsUrl, key: app.account.key, WebSocket, backoff: { minMs: 50, maxMs: 200 }, ...options, on });
}

async function collect(handle: { updates(): AsyncGenerator<OrderUpdate> }): Promise<OrderUpdate[]> {
  const all: OrderUpdate[] = [];
  for await (const update of handle.updates()) all.push(update);
  return all;
}

describe('the client module (web/dex-client.js) against the real server', () => {
  it('submits with the key, resolves the ack by reqId, and streams the order once and in seq order to its end', async () => {
    const app = await startTestEngine({ env: { AUTH: 'on' } });
    const client = clientOf(app);
    try {
      await client.opened();
      const handle = await client.submit(market);
      expect(handle.ack).toMatchObject({ type: 'ack', status: 'pending', seq: 1, clientOrderId: handle.clientOrderId });
      const updates = await collect(handle);
      expect(updates.map((update) => update.seq)).toEqual(updates.map((_, i) => i + 1));
      expect(updates.at(-1)).toMatchObject({ status: 'confirmed' });
      expect(await handle.done).toBe(updates.at(-1));
      expect(await client.request({ op: 'ping' })).toMatchObject({ type: 'pong' });
    } finally {
      client.close();
      await app.close();
    }
  });

  it('reconnects after a lost connection and resumes an order in flight from its last seq, with no update twice', async () => {
    const app = await startTestEngine({ env: { AUTH: 'on', MOCK_EXEC_LATENCY_MS: '800' } });
    const states: string[] = [];
    const anomalies: string[] = [];
    const client = clientOf(app, { on: { state: (state) => states.push(state.name), anomaly: (anomaly) => anomalies.push(anomaly.kind) } });
    try {
      const handle = await client.submit(market);
      const seen: OrderUpdate[] = [];
      handle.onUpdate((update) => {
        seen.push(update);
        if (update.status === 'submitted') client.drop(); // mid-execution
      });
      const end = await handle.done;
      expect(end.status).toBe('confirmed');
      expect(states).toContain('offline');
      expect(states.filter((name) => name === 'connected').length).toBeGreaterThanOrEqual(2);
      // Delivered once each, in order (the replay after the reconnect repeats nothing to the handle).
      expect(seen.map((update) => update.seq)).toEqual(seen.map((_, i) => i + 2));
      expect(anomalies.filter((kind) => kind === 'gap')).toEqual([]);
    } finally {
      client.close();
      await app.close();
    }
  });

  it('sends an unanswered submit again on reconnect with the same clientOrderId: one order, acked once', async () => {
    const app = await startTestEngine({ env: { AUTH: 'on' } });
    const sql = postgres(app.databaseUrl, { max: 1, onnotice: () => undefined });
    const client = clientOf(app);
    try {
      await client.opened();
      const submitting = client.submit({ ...market, clientOrderId: 'sent-twice' });
      client.drop(); // right after the frame went out: its ack may or may not have been sent
      const handle = await submitting;
      expect(handle.clientOrderId).toBe('sent-twice');
      expect((await handle.done).status).toBe('confirmed');
      const rows = await sql<{ count: string }[]>`select count(*) from orders where client_order_id = 'sent-twice'`;
      expect(rows[0]!.count).toBe('1');
    } finally {
      client.close();
      await sql.end();
      await app.close();
    }
  });

  it("retries a retryable refusal after its retryAfterMs, and rejects a final one with the server's code and field", async () => {
    const app = await startTestEngine({ env: { AUTH: 'on', RATE_LIMIT_SUBMITS_PER_CONNECTION: '2' } });
    const retries: string[] = [];
    const client = clientOf(app, { on: { retry: (retry) => retries.push(retry.error.code) } });
    try {
      const handles = await Promise.all(Array.from({ length: 4 }, () => client.submit(market)));
      expect(new Set(handles.map((handle) => handle.orderId)).size).toBe(4);
      expect(retries.length).toBeGreaterThan(0);
      expect(new Set(retries)).toEqual(new Set(['RATE_LIMITED']));
      const refused = await client.submit({ ...market, amount: '-1' }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(DexError);
      expect(refused).toMatchObject({ code: 'INVALID_ORDER', field: 'amount', retryable: false });
      await Promise.all(handles.map((handle) => handle.done));
    } finally {
      client.close();
      await app.close();
    }
  });

  it('follows an order it did not submit from a given seq, replaying what came after it', async () => {
    const app = await startTestEngine({ env: { AUTH: 'on' } });
    const first = clientOf(app);
    const second = clientOf(app);
    try {
      const handle = await first.submit(market);
      await handle.done;
      const followed = await second.follow(handle.orderId, 2);
      const replayed = await collect(followed);
      expect(replayed[0]!.seq).toBe(3);
      expect(replayed.at(-1)!.status).toBe('confirmed');
    } finally {
      first.close();
      second.close();
      await app.close();
    }
  });

  it('reports a replay of an order that ended as repeats, not as updates, and rejects what is left open when closed', async () => {
    const app = await startTestEngine({ env: { AUTH: 'on', MOCK_EXEC_LATENCY_MS: '5000' } });
    const updates: string[] = [];
    const duplicates: number[] = [];
    const client = clientOf(app, {
      on: { message: checkServerMessage, update: (update) => updates.push(`${update.orderId}:${update.seq}`), anomaly: (anomaly) => anomaly.kind === 'duplicate' && duplicates.push(anomaly.update.seq!) },
    });
    try {
      const first = await client.submit(market);
      await first.done;
      const seen = updates.length;
      // Asked for its whole history again: every event comes back, and none reaches on.update twice.
      await client.request({ op: 'subscribe', orderId: first.orderId, fromSeq: 0 });
      await expect.poll(() => duplicates.length, { timeout: 5_000 }).toBe(5);
      expect(updates.length).toBe(seen);
      // An order still running when the client closes: its end and its stream reject with CLOSED.
      const running = await client.submit(market);
      const stream = (async () => {
        for await (const update of running.updates()) void update;
      })();
      client.close();
      await expect(running.done).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(stream).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(client.request({ op: 'ping' })).rejects.toMatchObject({ code: 'CLOSED' });
    } finally {
      client.close();
      await app.close();
    }
  });
});
