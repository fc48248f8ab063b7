/**
 * The resting-order benchmark (docs/performance.md, "Resting orders"):
 *   npm run bench -- resting        (or: npx tsx scripts/bench-resting.ts [--orders 100000] [--slots 750])
 * Rests N limit orders across the pairs around the market, then runs the simulated market slot by
 * slot as the chain does and, per slot, does what the trigger component does: decode the slot's
 * pools (createMarketView), weigh the book, and queue what triggered (on BullMQ, when REDIS_URL
 * names a Redis; otherwise the queueing is left out and said so). An order that triggers is rested
 * again at a new price, so the book stays at N. Reports, per slot, the CPU of the evaluation, the
 * orders weighed and triggered, and the slot-to-trigger latency (slot published → triggers queued).
 */
import { Redis } from 'ioredis';
import { createOrderQueue } from '../src/adapters/bullmq/order-queue.js';
import type { QueuedTrigger } from '../src/orders/ports.js';
import { createTriggerBook, type RestingOrder, type SlotMarket } from '../src/orders/trigger-book.js';
import { createMarket } from '../src/venues/market.js';
import { createMarketView, type MarketView } from '../src/venues/market-view.js';
import { PAIRS } from '../src/venues/pairs.js';
import { createRng, normal } from '../src/venues/random.js';
import { effectivePrice } from '../src/orders/resting-terms.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg('orders', 100_000);
const SLOTS = arg('slots', 750);
const SLOT_MS = 400;
const rng = createRng(42);

function slotMarketOf(view: MarketView): SlotMarket {
  return {
    route: (pair, side, amount) => view.route(pair, side, amount)?.route ?? null,
    reference: (pair) => view.referencePrice(pair),
    unit: (pair) => 10 ** -PAIRS.find((p) => p.symbol === pair)!.base.decimals,
  };
}

let next = 0;
/** A limit near the market (1 % typical distance), buys under it and sells over it, $100–$10,000 of size. */
function restingAt(view: MarketView): RestingOrder {
  const pair = PAIRS[Math.floor(rng() * PAIRS.length)]!;
  const side = rng() < 0.5 ? 'buy' : 'sell';
  const mid = view.referencePrice(pair.symbol);
  const distance = Math.abs(normal(rng)) * 0.01;
  const limitPrice = side === 'buy' ? mid * (1 - distance) : mid * (1 + distance);
  const amount = Number(((100 + rng() * 9_900) / mid).toFixed(Math.min(6, pair.base.decimals)));
  next += 1;
  return { orderId: `order-${next}`, seq: 2, type: 'limit', side, pair: pair.symbol, amount, limitPrice, triggerPrice: null, trigger: null, expireAt: null };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function main() {
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null }) : null;
  const queue = redis ? createOrderQueue({ connection: redis, prefix: `bench-resting-${process.pid}`, name: 'orders', log: { debug: () => undefined } as never }) : null;
  const enqueue = async (triggers: QueuedTrigger[]) => (queue && triggers.length > 0 ? queue.enqueueTriggers!(triggers) : undefined);

  const startMs = Date.now();
  const market = createMarket({ seed: 'bench-resting', startMs, tickMs: SLOT_MS });
  let view = createMarketView(market.snapshot());
  const book = createTriggerBook();
  const load0 = process.cpuUsage();
  for (let i = 0; i < ORDERS; i++) book.rest(restingAt(view));
  const loadMs = (process.cpuUsage(load0).user + process.cpuUsage(load0).system) / 1000;

  const cpu: number[] = [];
  const decode: number[] = [];
  const latency: number[] = [];
  const weighed: number[] = [];
  let triggered = 0;
  for (let slot = 1; slot <= SLOTS; slot++) {
    market.referencePrice(PAIRS[0]!.symbol, startMs + slot * SLOT_MS); // the chain steps the market
    const published = JSON.stringify(market.snapshot()); // what the slot stream carries
    const t0 = performance.now();
    const d0 = process.cpuUsage();
    view = createMarketView(JSON.parse(published));
    const d = process.cpuUsage(d0);
    const e0 = process.cpuUsage();
    const decision = book.evaluate(slotMarketOf(view), Date.now());
    const e = process.cpuUsage(e0);
    await enqueue(decision.triggers);
    latency.push(performance.now() - t0);
    decode.push((d.user + d.system) / 1000);
    cpu.push((e.user + e.system) / 1000);
    weighed.push(decision.weighed);
    if (process.env.BENCH_DEBUG && decision.weighed > 1000) console.log(slot, decision.weighed, decision.triggers.length);
    triggered += decision.triggers.length;
    for (let i = 0; i < decision.triggers.length; i++) book.rest(restingAt(view)); // new orders take their place
  }
  const line = (name: string, values: number[], unit: string, digits = 2) =>
    `${name.padEnd(34)} p50 ${percentile(values, 50).toFixed(digits)} ${unit}, p99 ${percentile(values, 99).toFixed(digits)} ${unit}, max ${Math.max(...values).toFixed(digits)} ${unit}`;
  console.log(`resting limit orders: ${book.size} across ${PAIRS.length} pairs (loaded in ${loadMs.toFixed(0)} ms CPU); ${SLOTS} slots of ${SLOT_MS} ms`);
  console.log(line('evaluation CPU per slot', cpu, 'ms'));
  console.log(line('decoding the slot (createMarketView)', decode, 'ms'));
  console.log(line('orders weighed (routed) per slot', weighed, '', 0));
  console.log(`triggered: ${triggered} in ${SLOTS} slots (${(triggered / SLOTS).toFixed(1)} per slot)`);
  console.log(line(`slot to triggers queued${queue ? ' (BullMQ)' : ' (no Redis: not queued)'}`, latency, 'ms'));
  const busy = percentile(cpu, 50) + percentile(decode, 50);
  console.log(`share of one core at one slot per ${SLOT_MS} ms (p50 decode + evaluation): ${((busy / SLOT_MS) * 100).toFixed(2)} %`);
  if (redis) {
    await queue!.close();
    const keys = await redis.keys(`bench-resting-${process.pid}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

await main();
