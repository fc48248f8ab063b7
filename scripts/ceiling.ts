// The bare-parts ceiling: the engine's parts (uWS, one PostgreSQL statement per batch, one BullMQ
// job per batch, a Redis Stream, the same five durable events per order) doing nothing but the
// guarantees, for the load script to measure beside the engine (npm run bench -- ceiling):
//   DATABASE_URL=postgres://… REDIS_URL=redis://… [PORT=3300] npx tsx scripts/ceiling.ts
// Speaks just enough of the engine's protocol for `npm run load`: hello, market submits, ack, and
// each order's routing → building → submitted → confirmed on the socket that submitted it.
import { loadUws } from '../src/adapters/uws/load-uws.js';
import { connectPostgres } from '../src/adapters/postgres/connect.js';
import { connectRedis } from '../src/adapters/redis/connect.js';
import { closeStep, handleShutdown, runShutdown, type ShutdownStep } from '../src/lifecycle.js';
import { createLogger } from '../src/log.js';
import { withTimeout } from '../src/util/with-timeout.js';
import { PAIRS } from '../src/venues/pairs.js';
import { loadCeilingConfig, type CeilingConfig } from './ceiling/config.js';
import { startEventReader } from './ceiling/event-stream.js';
import { createIntake } from './ceiling/intake.js';
import { createOrderFeed } from './ceiling/order-feed.js';
import { createOrderQueue } from './ceiling/order-queue.js';
import { helloMessage } from './ceiling/protocol.js';
import { ensureCeilingSchema } from './ceiling/schema.js';
import { startServer } from './ceiling/server.js';
import { createSession } from './ceiling/session.js';
import { startWorkerThread } from './ceiling/worker-host.js';

const SHUTDOWN_BUDGET_MS = 10_000;

let config: CeilingConfig;
try {
  config = loadCeilingConfig();
} catch (err) {
  process.stderr.write(`ceiling: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
const log = createLogger(config.logLevel).child({ part: 'ceiling' });
const uws = loadUws();

// Shutdown mirrors start-up: each part adds its closing step in front of those started before it.
const steps: ShutdownStep[] = [];
const stop = handleShutdown({ log, budgetMs: SHUTDOWN_BUDGET_MS, shutdown: () => runShutdown(steps, SHUTDOWN_BUDGET_MS, log) });

const sql = connectPostgres(config.databaseUrl, log, 'dex-ceiling', 10);
steps.unshift(closeStep('close the PostgreSQL pool', (ms) => sql.end({ timeout: ms / 1000 })));
await ensureCeilingSchema(sql);
const thread = await startWorkerThread((code) => {
  log.error({ code }, 'the worker thread stopped');
  stop('worker thread exited', 1);
});
steps.unshift({ name: 'drain the worker thread', run: (ms) => thread.close(ms), reserveMs: 2_000 });
const queueRedis = connectRedis(config.redisUrl, log, 'ceiling:queue');
const queue = createOrderQueue({ connection: queueRedis, prefix: config.keys.queuePrefix, name: config.keys.queueName, log });
steps.unshift(closeStep('close the queue', () => queue.close().then(() => queueRedis.quit())));
const feed = createOrderFeed();
const reader = startEventReader({
  redis: connectRedis(config.redisUrl, log, 'ceiling:events'),
  streamKey: config.keys.events,
  log,
  onEvent: (event) => feed.deliver(event.orderId, event.seq, event.text),
});
steps.unshift(closeStep('stop the event reader', () => reader.close()));
const intake = createIntake(sql, queue);
const pairs = PAIRS.map((pair) => pair.symbol);
const server = await startServer({
  uws,
  host: config.host,
  port: config.port,
  log,
  hello: () => helloMessage(pairs, Date.now()),
  connect: (sink, connLog) => createSession({ intake, feed, now: Date.now, log: connLog }, sink),
  health: async () => {
    const checks = await Promise.all([withTimeout(queueRedis.ping(), 2_000), withTimeout(sql`select 1`, 2_000)].map((check) => check.then(() => true, () => false)));
    return checks.every(Boolean);
  },
});
steps.unshift({ name: 'close the sockets', run: () => server.close(1001, 'server shutting down') });
log.info({ port: server.port, workerStatementsPerBatch: config.statusGroups.length }, 'ceiling running');
