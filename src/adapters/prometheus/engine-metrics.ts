import client, { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { createOrderTimings, type TimingSink } from '../../orders/order-timings.js';
import type { OnMoved } from '../../orders/observed-store.js';

/** One registry's metrics as prom-client serializes them (what a worker thread sends its main thread). */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const STEP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const END_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300];
const RTT_BUCKETS = [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const SLIPPAGE_BUCKETS = [-50, -10, -1, 0, 1, 5, 10, 25, 50, 100, 200, 500];

/**
 * Every metric the engine exports (docs/metrics.md describes each), on one prom-client registry per
 * thread. Labels come from small fixed sets (ops, error codes, statuses, venues, steps): never an
 * order, account or connection id. A process's HTTP thread adds the default process metrics and
 * merges in what its worker threads report (`render`).
 */
export function createEngineMetrics(options: { processMetrics: boolean }) {
  const registry = new client.Registry();
  if (options.processMetrics) client.collectDefaultMetrics({ register: registry, prefix: '' });
  const registers = [registry];

  const accepted = new client.Counter({ name: 'dex_orders_accepted_total', help: 'Orders acked by this gateway', registers });
  const connections = new client.Gauge({ name: 'dex_ws_connections', help: 'Open WebSocket connections', registers });
  const messages = new client.Counter({ name: 'dex_ws_messages_total', help: 'Client messages received, by op (invalid: not a valid message)', labelNames: ['op'], registers });
  const ackLatency = new client.Histogram({ name: 'dex_ack_latency_seconds', help: 'From a submit received to its ack sent', buckets: LATENCY_BUCKETS, registers });
  const refusals = new client.Counter({ name: 'dex_refusals_total', help: 'Error replies sent, by code', labelNames: ['code'], registers });
  const steps = new client.Histogram({ name: 'dex_order_step_seconds', help: 'Time an order spent in each step (pending: queued)', labelNames: ['step'], buckets: STEP_BUCKETS, registers });
  const ended = new client.Histogram({
    name: 'dex_order_end_seconds',
    help: 'From an order\'s ack to its terminal status, by status and order type (a resting order\'s time includes its rest)',
    labelNames: ['status', 'type'],
    buckets: END_BUCKETS,
    registers,
  });
  const finished = new client.Counter({ name: 'dex_orders_finished_total', help: 'Orders ended, by terminal status and venue (split: both; none: never routed)', labelNames: ['status', 'dex'], registers });
  const failures = new client.Counter({ name: 'dex_order_failures_total', help: 'Orders that ended failed or expired, by status and error code', labelNames: ['status', 'code'], registers });
  const slippage = new client.Histogram({ name: 'dex_execution_slippage_bps', help: 'A confirmed swap\'s price against the quote it was routed on, bps (positive: worse for the trader)', labelNames: ['dex'], buckets: SLIPPAGE_BUCKETS, registers });
  const postgresRtt = new client.Histogram({ name: 'dex_postgres_rtt_seconds', help: 'Round trip of a PostgreSQL ping (select 1), every few seconds', buckets: RTT_BUCKETS, registers });
  const redisRtt = new client.Histogram({ name: 'dex_redis_rtt_seconds', help: 'Round trip of a Redis PING, every few seconds', buckets: RTT_BUCKETS, registers });

  const timings: TimingSink = {
    step: (step, seconds) => steps.observe({ step }, seconds),
    finished: (status, type, dex, seconds, code) => {
      ended.observe({ status, type }, seconds);
      finished.inc({ status, dex });
      if (code !== undefined) failures.inc({ status, code });
    },
    slippage: (dex, bps) => slippage.observe({ dex }, bps),
  };

  const followed = createOrderTimings(timings);

  return {
    registry,
    /** For `observedStore`: every committed move of this thread's stores, timed. */
    onMoved: followed.moved satisfies OnMoved,
    orderAccepted: () => accepted.inc(),
    connections: (count: number) => connections.set(count),
    message: (op: string) => messages.inc({ op }),
    acked: (seconds: number) => ackLatency.observe(seconds),
    refused: (code: string) => refusals.inc({ code }),
    postgresRtt: (seconds: number) => postgresRtt.observe(seconds),
    redisRtt: (seconds: number) => redisRtt.observe(seconds),

    /** A gauge read when scraped: the queue's jobs by state, the admission control's wait, the stream lag. */
    gaugeAtScrape(
      name: 'dex_queue_jobs' | 'dex_admission_start_wait_seconds' | 'dex_admission_backlog_orders' | 'dex_admission_drain_orders_per_second' | 'dex_admission_capacity_orders_per_second' | 'dex_event_stream_lag_seconds' | 'dex_history_days_ahead',
      help: string,
      read: () => Promise<Record<string, number> | number> | Record<string, number> | number,
      labelName?: string,
    ): void {
      new client.Gauge({
        name,
        help,
        labelNames: labelName ? [labelName] : [],
        registers,
        // Several gateways (or threads) report the same deployment-wide value: merged, the largest counts.
        aggregator: 'max',
        async collect() {
          // Unknown (Redis down): the series is left as last read, and the scrape still answers.
          const value = await Promise.resolve().then(read).catch(() => null);
          if (typeof value === 'number') this.set(value);
          else if (value) for (const [label, count] of Object.entries(value)) this.set({ [labelName!]: label }, count);
        },
      });
    },

    /** This thread's metrics, serialized (for the thread that serves HTTP). */
    snapshot: (): Promise<MetricsSnapshot> => registry.getMetricsAsJSON(),

    /** The Prometheus text of this thread's metrics merged with other threads' snapshots. */
    async render(others: readonly MetricsSnapshot[] = []): Promise<string> {
      if (others.length === 0) return registry.metrics();
      return AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...others]).metrics();
    },
    contentType: registry.contentType,
  };
}

export type EngineMetrics = ReturnType<typeof createEngineMetrics>;
