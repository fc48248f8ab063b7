// The trading page's composition root: builds each panel from its elements, connects the one
// client of the protocol, and hands what the server sends to the panel it is for.

import { createAccountOrders } from './account-orders.js';
import { adoptKeyFromAddress, createKeyPanel, readApiKey } from './api-key.js';
import { createBlotter } from './blotter.js';
import { createConnectionStatus } from './connection-status.js';
import { createDeadManSwitch } from './dead-man-switch.js';
import { createDexClient } from './dex-client.js';
import { createMarketView } from './market-view.js';
import { createOpenOrders } from './open-orders.js';
import { createOrderEntry } from './order-entry.js';
import { createPairSelect } from './pair-select.js';
import { createQuotePanel } from './quote-panel.js';

const $ = (selector) => document.querySelector(selector);
const announcer = $('#announcer');

function announce(text) {
  announcer.textContent = '';
  requestAnimationFrame(() => (announcer.textContent = text));
}

adoptKeyFromAddress();

// What the client's first state event (sent while it is being created) touches is built before it.
const blotter = createBlotter({ body: $('#orders-body'), empty: $('#orders-empty'), announce });
const deadManSwitch = createDeadManSwitch({
  toggle: $('#dead-man'),
  status: $('#dead-man-status'),
  request: (message) => request(message),
  isConnected: () => client.open,
  announce,
});
const keyPanel = createKeyPanel({ panel: $('#key-panel'), form: $('#key-form'), input: $('#api-key'), status: $('#key-status'), onChange: () => client.drop() });
const showState = createConnectionStatus({
  line: $('#connection'),
  keyPanel,
  controls: [$('#place'), $('#fire5'), $('#cancel-all')],
  onOffline: () => deadManSwitch.disconnected(),
});

const url = new URL('/ws', location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

// The one client of the protocol (dex-client.js): it reconnects by itself, resumes every order in
// flight from its last seq, sends an unanswered submit again with its clientOrderId, and retries
// what the server refused with a retryAfterMs.
const client = createDexClient({
  url: url.href,
  // The API key travels as the subprotocol: browsers cannot set other headers on a WebSocket.
  key: readApiKey,
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

const quotePanel = createQuotePanel({ element: $('#quote'), request });
const openOrders = createOpenOrders({
  body: $('#open-body'),
  empty: $('#open-empty'),
  cancelAllButton: $('#cancel-all'),
  status: $('#open-status'),
  request,
  onChange: () => market.drawLevels(),
});
const market = createMarketView({
  svg: $('#price-chart'),
  legend: $('#chart-legend'),
  summary: $('#chart-summary'),
  title: $('#chart-pair'),
  error: $('#chart-error'),
  connection,
  pair: () => pairSelect.value,
  orders: () => accountOrders.orders.values(),
  restingOrders: () => openOrders.list(),
});
const accountOrders = createAccountOrders({
  blotter,
  openOrders,
  client,
  request,
  onFill: () => market.markFills(),
  onSniperLaunch: () => void pairSelect.refresh(),
});
const pairSelect = createPairSelect({ select: $('#pair'), request, onSelect: selectPair, onUnits: () => orderEntry.updateUnit() });
const orderEntry = createOrderEntry({
  form: $('#order-form'),
  fire: $('#fire5'),
  pairs: pairSelect.list,
  isOpen: () => connection.open,
  quotePanel,
  submit: accountOrders.submit,
});

function handle(message) {
  switch (message.type) {
    case 'hello':
      return pairSelect.fromHello(message.pairs);
    case 'ack':
      return accountOrders.ack(message);
    case 'order':
      return accountOrders.event(message);
    case 'ticker':
      return market.tick(message);
    default:
      return;
  }
}

/** After (re)connecting: pair details, the chart's ticker again, then the orders (accountOrders.resync). */
async function resync() {
  await pairSelect.refresh();
  market.resubscribe();
  await accountOrders.resync();
}

/** Follows the selected pair: its ticker on the chart, its fills marked, the amount's unit and quote. */
function selectPair() {
  const pair = pairSelect.value;
  orderEntry.updateUnit();
  if (!pair) return;
  market.show(pair);
  orderEntry.requestQuote();
}

// For tests and the curious: drop the socket and watch the page reconnect, or send an order as the
// form would but without the page's own checks, to see the server's answer next to the field.
window.dexEngine = {
  dropConnection: () => client.drop(),
  submitUnchecked: (fields) => orderEntry.send({ type: 'market', ...fields }),
  orders: accountOrders.orders,
};
