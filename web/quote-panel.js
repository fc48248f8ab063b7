// The pre-trade quote under the order form: asked for a moment after the trader stops typing,
// and only the answer to the latest question is shown.

import { DEX_NAMES, formatAmount, formatPrice } from './format.js';
import { legList } from './legs.js';

const DEBOUNCE_MS = 250;
const RETRY_MS = 1_000; // the market data is not there yet (just after start)

/** @param {{ element: HTMLElement, request: (message: object) => Promise<any> }} options */
export function createQuotePanel({ element, request }) {
  let timer = null;
  let latest = 0;

  function clear() {
    clearTimeout(timer);
    latest += 1;
    element.dataset.state = 'idle';
    element.replaceChildren();
  }

  /** Asks for a quote for `order` ({pair, side, amount}) after the debounce; null clears the panel. */
  function update(order) {
    clear();
    if (!order) return;
    const ask = latest;
    timer = setTimeout(() => void fetchQuote(order, ask), DEBOUNCE_MS);
  }

  async function fetchQuote(order, ask) {
    let reply;
    try {
      reply = await request({ op: 'quote', pair: order.pair, side: order.side, amount: order.amount });
    } catch {
      if (ask === latest) showMessage('error', 'No quote while disconnected.');
      return;
    }
    if (ask !== latest) return;
    if (reply.type === 'quote') return showQuote(order, reply);
    if (reply.code === 'SERVICE_UNAVAILABLE') {
      showMessage('waiting', 'Waiting for market data…');
      timer = setTimeout(() => void fetchQuote(order, ask), RETRY_MS);
      return;
    }
    const text = {
      INSUFFICIENT_LIQUIDITY: 'No venue can fill this size; try a smaller amount.',
      RATE_LIMITED: 'Quoting paused for a moment (too many requests).',
    }[reply.code];
    showMessage('error', text ?? `No quote: ${reply.message}`);
  }

  function showMessage(state, text) {
    element.dataset.state = state;
    const p = document.createElement('p');
    p.className = 'quote-message';
    p.textContent = text;
    element.replaceChildren(p);
  }

  function showQuote(order, reply) {
    const [base, quote] = order.pair.split('/');
    const title = document.createElement('p');
    title.className = 'quote-title';
    title.textContent = `Quote: ${order.side} ${formatAmount(order.amount, base)} ${base}`;

    const venues = document.createElement('ul');
    venues.className = 'quote-venues';
    for (const dex of Object.keys(DEX_NAMES)) {
      const found = reply.quotes.find((q) => q.dex === dex);
      const li = document.createElement('li');
      li.dataset.dex = dex;
      const name = document.createElement('span');
      const best = reply.best === dex;
      name.textContent = `${DEX_NAMES[dex]}${best ? ' ★' : ''}`;
      const price = document.createElement('span');
      price.className = 'num';
      price.textContent = found ? formatPrice(found.price) : 'cannot fill alone';
      if (found) price.title = `fee ${found.feeBps} bps, impact ${found.priceImpactBps} bps`;
      li.classList.toggle('winner', best);
      li.append(name, price);
      if (best) li.append(hidden(' (best)'));
      venues.append(li);
    }

    const bestLine = document.createElement('p');
    bestLine.className = 'quote-best';
    bestLine.dataset.best = reply.best;
    bestLine.textContent = reply.best === 'split' ? 'Best: split over both venues' : `Best: ${DEX_NAMES[reply.best] ?? reply.best}`;

    element.dataset.state = 'ready';
    element.replaceChildren(title, venues, bestLine);
    if (reply.best === 'split') element.append(legList(reply.route, order.side, base, quote));
  }

  return { update, clear };
}

function hidden(text) {
  const span = document.createElement('span');
  span.className = 'visually-hidden';
  span.textContent = text;
  return span;
}
