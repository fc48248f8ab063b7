import { describe, expect, it } from 'vitest';
import { ask, connectClient } from '../helpers/ws-client.js';
import { scrape, valueOf } from '../helpers/prometheus-text.js';
import { startTestEngine } from '../helpers/test-engine.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('/metrics', () => {
  it('counts what the engine did: messages by op, acks, refusals by code, each step, ends by status and venue, execution quality', async () => {
    const app = await startTestEngine();
    try {
      const client = await connectClient(app.wsUrl);
      const acks = await Promise.all(Array.from({ length: 5 }, () => ask(client, { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' })));
      for (const ack of acks) expect((await client.settle(ack.orderId as string)).at(-1)!.status).toBe('confirmed');
      // A limit far below the market rests; cancelling it ends it, never routed.
      const resting = await ask(client, { op: 'submit', type: 'limit', side: 'buy', pair: 'SOL/USDC', amount: '1', limitPrice: '0.01', timeInForce: 'GTC' });
      await client.waitFor((m) => m.orderId === resting.orderId && m.status === 'open');
      expect((await ask(client, { op: 'cancel', orderId: resting.orderId })).type).toBe('cancelled');
      client.send('{not json');
      await client.waitFor((m) => m.type === 'error' && m.code === 'BAD_JSON');
      expect((await ask(client, { op: 'get', orderId: '00000000-0000-4000-8000-000000000000' })).code).toBe('ORDER_NOT_FOUND');

      const samples = await scrape(app.httpUrl);
      expect(valueOf(samples, 'dex_orders_accepted_total')).toBe(6);
      expect(valueOf(samples, 'dex_ws_messages_total', { op: 'submit' })).toBe(6);
      expect(valueOf(samples, 'dex_ws_messages_total', { op: 'invalid' })).toBe(1);
      expect(valueOf(samples, 'dex_ws_connections')).toBe(1);
      expect(valueOf(samples, 'dex_ack_latency_seconds_count')).toBe(6);
      expect(valueOf(samples, 'dex_refusals_total', { code: 'BAD_JSON' })).toBe(1);
      expect(valueOf(samples, 'dex_refusals_total', { code: 'ORDER_NOT_FOUND' })).toBe(1);
      for (const step of ['pending', 'routing', 'building', 'submitted']) expect(valueOf(samples, 'dex_order_step_seconds_count', { step })).toBe(5);
      expect(valueOf(samples, 'dex_order_end_seconds_count', { status: 'confirmed' })).toBe(5);
      expect(valueOf(samples, 'dex_order_end_seconds_count', { status: 'cancelled' })).toBe(1);
      expect(valueOf(samples, 'dex_orders_finished_total', { status: 'confirmed' })).toBe(5);
      expect(valueOf(samples, 'dex_orders_finished_total', { status: 'cancelled', dex: 'none' })).toBe(1);
      const venues = samples.filter((s) => s.name === 'dex_orders_finished_total' && s.labels.status === 'confirmed').map((s) => s.labels.dex);
      for (const dex of venues) expect(['raydium', 'meteora', 'split']).toContain(dex);
      expect(valueOf(samples, 'dex_execution_slippage_bps_count')).toBe(5);
      // Gauges read at the scrape: the queue's jobs by state, admission control's wait, the stream lag.
      expect(samples.filter((s) => s.name === 'dex_queue_jobs').map((s) => s.labels.state).sort()).toEqual(['active', 'delayed', 'failed', 'prioritized', 'waiting']);
      expect(samples.some((s) => s.name === 'dex_admission_start_wait_seconds')).toBe(true);
      expect(samples.find((s) => s.name === 'dex_history_days_ahead')?.value).toBeGreaterThanOrEqual(6);
      expect(samples.some((s) => s.name === 'dex_event_stream_lag_seconds')).toBe(true);
      // The process's own metrics come with them (prom-client's defaults).
      expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
      expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
      // Bounded cardinality: no label carries an order, account or connection id.
      for (const sample of samples) for (const value of Object.values(sample.labels)) expect(value).not.toMatch(UUID);
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('pings PostgreSQL and Redis for their round-trip times', async () => {
    const app = await startTestEngine();
    try {
      await expect.poll(async () => valueOf(await scrape(app.httpUrl), 'dex_postgres_rtt_seconds_count'), { timeout: 12_000, interval: 500 }).toBeGreaterThan(0);
      const samples = await scrape(app.httpUrl);
      expect(valueOf(samples, 'dex_redis_rtt_seconds_count')).toBeGreaterThan(0);
      expect(valueOf(samples, 'dex_postgres_rtt_seconds_sum')).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
