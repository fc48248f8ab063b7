// A market-making ladder on dex-order-engine, through the one client module (web/dex-client.js).
//
//   npm start                      # in one terminal
//   npm run bot                    # in another: SOL/USDC, 3 levels a side, 20 bps apart
//   npm run bot -- --pair JUP/USDC --levels 5 --step-bps 10 --size 50 --duration 60
//
// It keeps `levels` limit buys below and `levels` limit sells above the pair's reference price,
// re-quotes them (amend) on each ticker, replaces a level once its order has filled, and keeps the
// dead-man switch armed: if the bot dies or loses its connection for longer than the switch's
// timeout, the engine cancels its orders by itself. On Ctrl-C it cancels them and disarms the switch.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createDexClient } from '../web/dex-client.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.DEX_URL ?? 'ws://127.0.0.1:3000/ws' },
    key: { type: 'string', default: process.env.DEX_API_KEY },
    pair: { type: 'string', default: 'SOL/USDC' },
    levels: { type: 'string', default: '3' },
    'step-bps': { type: 'string', default: '20' },
    size: { type: 'string', default: '0.5' },
    'switch-ms': { type: 'string', default: '10000' },
    duration: { type: 'string' },
  },
});
const key = values.key ?? readDemoKey();
const levels = Number(values.levels);
const stepBps = Number(values['step-bps']);
const switchMs = Number(values['switch-ms']);
/** An order is re-quoted only when its level moved by more than this, so a quiet market sends nothing. */
const REQUOTE_BPS = 2;

const log = (line) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
const client = createDexClient({
  url: values.url,
  key,
  WebSocket,
  on: {
    state: (state) => state.name !== 'connected' && log(`connection ${state.name}${state.retryInMs ? `, again in ${state.retryInMs} ms` : ''}`),
    // Tickers (and other messages that are not order updates) come here.
    message: (message) => message.type === 'ticker' && message.pair === values.pair && void requote(Number(message.reference)),
    open: () => void client.request({ op: 'subscribe', channel: 'ticker', pair: values.pair }).catch((err) => log(`ticker: ${err.message}`)),
  },
});

/** Each level's resting order: `buy-1` … `sell-3` → { handle, price, busy }. */
const ladder = new Map();
let stopping = false;
let requotes = 0;

async function requote(reference) {
  if (stopping) return;
  for (let i = 1; i <= levels; i++) {
    for (const side of ['buy', 'sell']) {
      const price = reference * (1 + ((side === 'buy' ? -1 : 1) * i * stepBps) / 10_000);
      void place(`${side}-${i}`, side, price);
    }
  }
}

async function place(level, side, price) {
  const current = ladder.get(level);
  if (current?.busy) return;
  const limitPrice = price.toPrecision(8);
  try {
    if (current) {
      if (Math.abs(price / current.price - 1) * 10_000 <= REQUOTE_BPS) return;
      current.busy = true;
      await client.request({ op: 'amend', orderId: current.handle.orderId, limitPrice });
      current.price = price;
      current.busy = false;
      requotes += 1;
      return;
    }
    ladder.set(level, { busy: true, price });
    const handle = await client.submit({ type: 'limit', side, pair: values.pair, amount: values.size, limitPrice, timeInForce: 'GTC' });
    ladder.set(level, { handle, price, busy: false });
    log(`${level}: ${side} ${values.size} at ${limitPrice} (${handle.orderId.slice(0, 8)})`);
    // Filled (or ended otherwise): the level is free for the next ticker to place again.
    void handle.done.then((end) => {
      log(`${level}: ${end.status}${end.executedPrice ? ` at ${end.executedPrice}` : ''}`);
      if (ladder.get(level)?.handle === handle) ladder.delete(level);
    });
  } catch (err) {
    // NOT_AMENDABLE: it left `open` (it is filling); its end frees the level. Anything else: try again next ticker.
    if (err.code !== 'NOT_AMENDABLE') log(`${level}: ${err.code ?? ''} ${err.message}`);
    const entry = ladder.get(level);
    if (entry) entry.busy = false;
    if (entry && !entry.handle) ladder.delete(level);
  }
}

// The dead-man switch, re-armed well within its timeout.
const arm = () => client.request({ op: 'cancelAllAfter', timeoutMs: switchMs }).catch((err) => log(`switch: ${err.message}`));
const heartbeat = setInterval(arm, Math.max(1_000, switchMs / 3));
await client.opened();
await arm();
log(`laddering ${values.pair}: ${levels} levels a side, ${stepBps} bps apart, ${values.size} each; dead-man switch ${switchMs} ms`);

async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(heartbeat);
  const cancelled = await client.request({ op: 'cancelAll', pair: values.pair }).catch(() => null);
  await client.request({ op: 'cancelAllAfter', timeoutMs: 0 }).catch(() => undefined);
  log(`stopped: ${cancelled ? cancelled.count : 'no'} orders cancelled, switch disarmed (${requotes} re-quotes)`);
  client.close();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
if (values.duration) setTimeout(stop, Number(values.duration) * 1000);

function readDemoKey() {
  try {
    return readFileSync(new URL('../.data/demo-api-key', import.meta.url), 'utf8').trim();
  } catch {
    return undefined; // AUTH=off, or a key from --key / DEX_API_KEY
  }
}
