import { createBlotter } from './blotter.js';
import { createPriceChart } from './chart.js';
import { createDeadManSwitch } from './dead-man-switch.js';
import { createDexClient } from './dex-client.js';
import { clearErrors, showErrors } from './form.js';
import { formatPrice } from './format.js';
import { createOpenOrders, restingPrice } from './open-orders.js';
import { quoteSymbol, readOrder, showTypeFields } from './order-types.js';
import { TERMINAL, applyUpdate, createOrder } from './orders.js';
import { createQuotePanel } from './quote-panel.js';
import { createTickerFeed } from './ticker.js';

const $ = (selector) => document.querySelector(selector);
const form = $('#order-form');
const place = $('#place');
const fire = $('#fire5');
const stateLine = $('#connection');
const announcer = $('#announcer');

const orders = new Map();
const submits = new Map(); // clientOrderId → the fields the page sent, until the ack names the order
let pairs = [];

function announce(text) {
  announcer.textContent = '';
  requestAnimationFrame(() => (announcer.textContent = text));
}

const blotter = createBlotter({ body: $('#orders-body'), empty: $('#orders-empty'), announce });

const chart = createPriceChart({ svg: $('#price-chart'), legend: $('#chart-legend'), summary: $('#chart-summary') });

const deadManSwitch = createDeadManSwitch({
  toggle: $('#dead-man'),
  status: $('#dead-man-status'),
  request: (message) => request(message),
  isConnected: () => client.open,
  announce,
});

const url = new URL('/ws', location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

// A key in the address (as `npm start` prints it) is kept in this browser and taken out of the address bar.
const KEY_STORE = 'dex-order-engine.apiKey';
const params = new URLSearchParams(location.search);
if (params.has('key')) {
  localStorage.setItem(KEY_STORE, params.get('key'));
  params.delete('key');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
}
const apiKey = () => localStorage.getItem(KEY_STORE) ?? '';

// The one client of the protocol (dex-client.js): it reconnects by itself, resumes every order in
// flight from its last seq, sends an unanswered submit again with its clientOrderId, and retries
// what the server refused with a retryAfterMs.
const client = createDexClient({
  url: url.href,
  // The API key travels as the subprotocol: browsers cannot set other headers on a WebSocket.
  key: apiKey,
  on: {
    state: showState,
    open: () => {
      deadManSwitch.connected();
      void resync();
    },
    message: handle,
    update: handle,
  },
});

/** A request whose refusal resolves as the server's error reply (the panels show it); a lost connection still rejects. */
function request(message) {
  return client.request(message).catch((err) => {
    if (err.reply) return err.reply;
    throw err;
  });
}
const connection = {
  get open() {
    return client.open;
  },
  request,
};

const ticker = createTickerFeed({
  connection,
  onError: (text) => {
    $('#chart-error').textContent = text;
    $('#chart-error').hidden = false;
  },
});
const quotePanel = createQuotePanel({ element: $('#quote'), request });

const openOrders = createOpenOrders({
  body: $('#open-body'),
  empty: $('#open-empty'),
  cancelAllButton: $('#cancel-all'),
  status: $('#open-status'),
  request,
  onChange: drawLevels,
});

function showState(state) {
  const text = {
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: `Reconnecting (attempt ${state.attempt})…`,
    offline: `Offline, retrying in ${Math.ceil((state.retryInMs ?? 0) / 1000)} s`,
    closed: 'Closed',
  }[state.name];
  stateLine.textContent = state.neverOpened ? `${text} (is the API key right?)` : text;
  stateLine.dataset.state = state.name;
  if (state.neverOpened && state.attempt >= 2) $('#key-panel').open = true;
  const live = state.name === 'connected';
  place.disabled = !live;
  fire.disabled = !live;
  $('#cancel-all').disabled = !live;
  if (!live) deadManSwitch.disconnected();
}

function handle(message) {
  switch (message.type) {
    case 'hello':
      if (pairs.length === 0) setPairs(message.pairs.map((symbol) => pairFromSymbol(symbol)));
      return;
    case 'ack': {
      const sent = submits.get(message.clientOrderId);
      submits.delete(message.clientOrderId);
      const order = orders.get(message.orderId) ?? createOrder({ ...sent, orderId: message.orderId });
      orders.set(order.orderId, order);
      // A submit sent again after a lost connection gets the order back as a duplicate ack: it stands
      // for seq 1, and the events after it are replayed.
      return update(order, message.duplicate ? { ...message, status: 'pending', seq: 1 } : message);
    }
    case 'order': {
      const order = orders.get(message.orderId);
      if (order) update(order, message);
      return;
    }
    case 'ticker':
      if (ticker.accepts(message)) chart.addTick(message);
      return;
    default:
      return;
  }
}

function update(order, message) {
  const was = order.status;
  if (!applyUpdate(order, message)) return;
  show(order);
  // Replayed history is shown, not read out: only fresh changes are announced.
  if (Date.now() - message.ts < 5_000) blotter.announce(order);
  if (order.status === 'confirmed') markFills();
  // A sniper leaves `open` when its pair launches: the pair list has a new entry then.
  if (order.type === 'sniper' && was === 'open') void refreshPairs();
}

/** Shows an order in the blotter, and in Open orders while it rests. */
function show(order) {
  blotter.render(order);
  if (order.status === 'open') openOrders.render(order);
  // Only a replay from the start goes back to pending: the row stays until the replay reaches a later status.
  else if (order.status !== 'pending') openOrders.remove(order.orderId);
}

/** A line on the chart at each resting order of the charted pair. */
function drawLevels() {
  const pair = $('#pair').value;
  chart.setLevels(
    openOrders
      .list()
      .filter((order) => order.pair === pair && restingPrice(order))
      .map((order) => ({ orderId: order.orderId, side: order.side, price: restingPrice(order), label: levelLabel(order) })),
  );
}

function levelLabel(order) {
  const what = order.type === 'stop' ? `stop ${order.trigger}` : order.type === 'sniper' ? 'sniper max' : 'limit';
  return `${order.side} ${what} ${formatPrice(restingPrice(order))}`;
}

/** The selected pair's confirmed orders, at the price and time they filled. */
function markFills() {
  const pair = $('#pair').value;
  const fills = [...orders.values()]
    .filter((order) => order.pair === pair && order.status === 'confirmed' && order.executedPrice)
    .map((order) => ({ orderId: order.orderId, ts: order.steps.confirmed ?? order.createdAt, price: order.executedPrice, side: order.side, amount: `${order.amount} ${pair.split('/')[0]}` }));
  chart.setFills(fills);
}

/** Follows the selected pair: its ticker on the chart, its fills marked, the amount's unit and quote. */
function selectPair() {
  const pair = $('#pair').value;
  updateUnit();
  if (!pair) return;
  $('#chart-pair').textContent = pair;
  $('#chart-error').hidden = true;
  chart.show(pair);
  ticker.follow(pair);
  markFills();
  drawLevels();
  requestQuote();
}

/**
 * A quote for the size the form says now (a limit or stop too, to help choose its price); nothing
 * while the amount is half-typed, nor for a sniper's pair, which has no pool yet.
 */
function requestQuote() {
  const { order, errors } = readOrder(form, pairs);
  const quotable = order.type !== 'sniper' && !errors.pair && !errors.side && !errors.amount;
  quotePanel.update(quotable && connection.open ? order : null);
}

async function refreshPairs() {
  const reply = await request({ op: 'pairs' }).catch(() => null);
  if (reply?.type === 'pairs') setPairs(reply.pairs);
}

/** After (re)connecting: pair details, the order history and every resting order, and every order still in flight resumed where it stopped. */
async function resync() {
  await refreshPairs();
  // A new socket follows nothing yet: subscribe the chart's pair again.
  if ($('#pair').value) ticker.follow($('#pair').value);
  const [history, resting] = await Promise.all([
    request({ op: 'list', limit: 50 }).catch(() => null),
    // Resting orders may be older than the latest 50: Open orders asks for the newest 200 of them (one page; a trader with more sees those).
    request({ op: 'list', status: 'open', limit: 200 }).catch(() => null),
  ]);
  const replay = [];
  const snapshots = [...(history?.type === 'orders' ? history.orders : []), ...(resting?.type === 'orders' ? resting.orders : [])];
  for (const snapshot of snapshots.sort((a, b) => a.createdAt - b.createdAt)) {
    if (orders.has(snapshot.orderId)) continue;
    // Shown at once from the snapshot, then rebuilt from its stored events (quotes and step times included).
    const order = createOrder({ ...snapshot, lastSeq: 0 });
    orders.set(order.orderId, order);
    show(order);
    replay.push(order);
  }
  // An order this page knew as resting that the server no longer lists as open has moved on; its events follow.
  if (resting?.type === 'orders' && !resting.next) {
    const open = new Set(resting.orders.map((snapshot) => snapshot.orderId));
    for (const order of openOrders.list()) if (!open.has(order.orderId)) openOrders.remove(order.orderId);
  }
  for (const order of orders.values()) {
    if (TERMINAL.has(order.status) && !replay.includes(order)) continue;
    // Replays what this page missed, then streams the rest: no gap, no duplicate. (The client
    // resumes the orders it already follows by itself; following one twice is a no-op.)
    client.follow(order.orderId, order.lastSeq).catch(() => undefined);
  }
}

function setPairs(list) {
  pairs = list;
  const select = $('#pair');
  const current = select.value;
  select.replaceChildren(
    ...list.map((pair) => {
      const option = document.createElement('option');
      option.value = pair.symbol;
      option.textContent = pair.symbol;
      return option;
    }),
  );
  if (list.some((pair) => pair.symbol === current)) select.value = current;
  if (select.value !== current) selectPair();
  else updateUnit();
}

function pairFromSymbol(symbol) {
  const [base, quote] = symbol.split('/');
  return { symbol, base: { symbol: base, decimals: base === 'SOL' ? 9 : 6 }, quote: { symbol: quote, decimals: 6 } };
}

/** The units in the labels: the pair's base for the amount, its quote for prices and spend. */
function updateUnit() {
  const pair = pairs.find((p) => p.symbol === $('#pair').value);
  $('#amount-unit').textContent = pair ? pair.base.symbol : '';
  const quote = quoteSymbol(form, pairs);
  for (const unit of form.querySelectorAll('.quote-unit')) unit.textContent = quote;
}

async function submit(fields) {
  const clientOrderId = `web-${crypto.randomUUID()}`;
  submits.set(clientOrderId, { ...fields, clientOrderId });
  try {
    return (await client.submit({ ...fields, clientOrderId })).ack;
  } catch (err) {
    submits.delete(clientOrderId);
    if (!err.reply) throw err;
    showErrors(form, { [err.field ?? 'form']: `${err.message}${err.retryable ? ' (try again)' : ''}` });
    return err.reply;
  }
}

async function placeFromForm(times) {
  const read = readOrder(form, pairs);
  if (!read.ok) return showErrors(form, read.errors);
  clearErrors(form);
  try {
    await Promise.all(Array.from({ length: times }, () => submit(read.order)));
  } catch (err) {
    showErrors(form, { form: `Not sent: ${err.message}. Check the connection and try again.` });
  }
}

$('#key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('#api-key').value.trim();
  if (!value) return;
  localStorage.setItem(KEY_STORE, value);
  $('#api-key').value = '';
  $('#key-panel').open = false;
  client.drop(); // reconnects at once with the new key
});
$('#key-status').textContent = apiKey() ? `using key ${apiKey().slice(0, 16)}…` : 'no key yet';

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void placeFromForm(1);
});
fire.addEventListener('click', () => void placeFromForm(5));
$('#pair').addEventListener('change', selectPair);
$('#order-type').addEventListener('change', () => {
  clearErrors(form);
  showTypeFields(form);
  updateUnit();
  requestQuote();
});
$('#time-in-force').addEventListener('change', () => showTypeFields(form));
$('#sniper-pair').addEventListener('input', updateUnit);
showTypeFields(form);
$('#amount').addEventListener('input', () => {
  $('#amount-error').textContent = '';
  $('#amount').removeAttribute('aria-invalid');
  requestQuote();
});
for (const radio of form.querySelectorAll('input[name="side"]')) radio.addEventListener('change', requestQuote);

// For tests and the curious: drop the socket and watch the page reconnect, or send an order as the
// form would but without the page's own checks, to see the server's answer next to the field.
window.dexEngine = {
  dropConnection: () => client.drop(),
  submitUnchecked: (fields) => submit({ type: 'market', ...fields }),
  orders,
};
