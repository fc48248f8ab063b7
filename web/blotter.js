import { DEX_NAMES, formatAmount, formatDuration, formatPrice, formatTime, routeName, shortHash } from './format.js';
import { legList } from './legs.js';
import { TERMINAL, stepDurations, stepsOf } from './orders.js';

/** Renders orders as rows of the "Orders" table, newest first, updating rows in place. Data goes in with textContent only. */
export function createBlotter({ body, empty, announce }) {
  const rows = new Map();

  function cell(row, name) {
    return row.querySelector(`[data-cell="${name}"]`);
  }

  function createRow(order) {
    const row = document.createElement('tr');
    row.dataset.orderId = order.orderId;
    for (const [name, label] of COLUMNS) {
      const td = document.createElement('td');
      td.dataset.cell = name;
      td.dataset.label = label;
      if (['amount', 'price', 'out'].includes(name)) td.className = 'num';
      row.append(td);
    }
    const track = document.createElement('ol');
    track.className = 'track';
    for (const step of [...stepsOf(order), 'done']) {
      const li = document.createElement('li');
      li.dataset.step = step;
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = step === 'done' ? 'confirmed' : step;
      const time = document.createElement('span');
      time.className = 'took';
      li.append(label, time);
      track.append(li);
    }
    const detail = document.createElement('p');
    detail.className = 'detail';
    cell(row, 'status').append(track, detail);
    return row;
  }

  function renderQuotes(td, order) {
    td.replaceChildren();
    if (!order.quotes) return;
    const list = document.createElement('ul');
    list.className = 'quotes';
    for (const quote of order.quotes) {
      const li = document.createElement('li');
      const winner = quote.dex === order.dex;
      li.className = winner ? 'winner' : '';
      const name = document.createElement('span');
      name.className = 'dex';
      name.textContent = `${DEX_NAMES[quote.dex] ?? quote.dex}${winner ? ' ★' : ''}`;
      const price = document.createElement('span');
      price.className = 'num';
      price.textContent = formatPrice(quote.price);
      price.title = `fee ${quote.feeBps} bps, impact ${quote.priceImpactBps} bps`;
      li.append(name, price);
      if (winner) {
        const hidden = document.createElement('span');
        hidden.className = 'visually-hidden';
        hidden.textContent = ' (best, chosen)';
        li.append(hidden);
      }
      list.append(li);
    }
    td.append(list);
    // A split fills on both venues in one transaction: neither quote "won", the legs say what each venue took.
    if (order.dex === 'split' && order.route?.length) {
      const note = document.createElement('p');
      note.className = 'split-note';
      note.textContent = 'Split over both venues:';
      const [base, quote] = (order.pair ?? '/').split('/');
      td.append(note, legList(order.route, order.side, base, quote));
    }
  }

  function renderTx(td, order) {
    td.replaceChildren();
    if (!order.txHash) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'hash';
    button.textContent = shortHash(order.txHash);
    button.title = `${order.txHash} (click to copy)`;
    button.setAttribute('aria-label', `Copy transaction hash ${order.txHash}`);
    button.addEventListener('click', () => {
      navigator.clipboard?.writeText(order.txHash).then(
        () => flash(button, 'copied'),
        () => flash(button, 'copy failed'),
      );
    });
    td.append(button);
  }

  function flash(button, text) {
    const before = button.textContent;
    button.textContent = text;
    setTimeout(() => (button.textContent = before), 1200);
  }

  function render(order) {
    let row = rows.get(order.orderId);
    if (!row) {
      row = createRow(order);
      rows.set(order.orderId, row);
      body.prepend(row);
      empty.hidden = true;
    }
    const [base, quote] = (order.pair ?? '/').split('/');
    row.dataset.status = order.status;
    cell(row, 'time').textContent = formatTime(order.createdAt);
    cell(row, 'pair').textContent = order.pair ?? '';
    const side = cell(row, 'side');
    side.textContent = order.side ?? '';
    side.className = `side ${order.side}`;
    cell(row, 'type').textContent = order.type;
    // A sniper's amount is the QUOTE it spends, so it says so.
    cell(row, 'amount').textContent = order.type === 'sniper' ? `${formatAmount(order.amount, quote)} ${quote}` : formatAmount(order.amount, base);

    const durations = stepDurations(order);
    const reached = new Set(Object.keys(order.steps));
    for (const li of cell(row, 'status').querySelectorAll('li')) {
      const step = li.dataset.step;
      const isDone = step === 'done';
      // A confirmed order has surely passed every step but resting (it may have filled at once); one cancelled or failed early has not.
      const passed = (order.status === 'confirmed' && step !== 'open') || (!TERMINAL.has(order.status) && stepIndex(order.status) > stepIndex(step));
      const done = isDone ? TERMINAL.has(order.status) : reached.has(step) || passed;
      li.className = done ? 'reached' : '';
      if (isDone) {
        li.querySelector('.label').textContent = TERMINAL.has(order.status) ? order.status : 'confirmed';
        li.classList.toggle('failed', order.status === 'failed' || order.status === 'cancelled' || order.status === 'expired');
      }
      const current = !isDone && order.status === step;
      if (current) li.classList.add('current');
      li.querySelector('.took').textContent = isDone ? '' : formatDuration(durations[step]);
    }
    cell(row, 'status').setAttribute('aria-label', `status ${order.status}`);
    renderQuotes(cell(row, 'quotes'), order);
    cell(row, 'price').textContent = formatPrice(order.executedPrice);
    cell(row, 'out').textContent = order.amountOut ? `${formatAmount(order.amountOut, order.side === 'buy' ? base : quote)} ${order.side === 'buy' ? base : quote}` : '';
    renderTx(cell(row, 'tx'), order);
    const detail = cell(row, 'status').querySelector('.detail');
    detail.textContent = order.error ? `${order.error.code}: ${order.error.message}` : order.status === 'open' && order.note ? order.note : '';
    detail.hidden = detail.textContent === '';
    detail.classList.toggle('note', !order.error);
  }

  return {
    render,
    /** Announces a status change to screen readers. */
    announce(order) {
      const what = `${order.side} ${order.amount} ${order.pair}`;
      const where = order.dex ? ` on ${routeName(order.dex)}` : '';
      const price = order.status === 'confirmed' && order.executedPrice ? ` at ${formatPrice(order.executedPrice)}` : '';
      const why = (order.status === 'failed' || order.status === 'expired') && order.error ? `: ${order.error.code}` : '';
      announce(`Order ${what} ${order.status}${where}${price}${why}`);
    },
    has: (orderId) => rows.has(orderId),
  };
}

const COLUMNS = [
  ['time', 'Time'],
  ['pair', 'Pair'],
  ['side', 'Side'],
  ['type', 'Type'],
  ['amount', 'Amount'],
  ['status', 'Status'],
  ['quotes', 'Quotes'],
  ['price', 'Exec. price'],
  ['out', 'Amount out'],
  ['tx', 'Tx'],
];

const ORDER = ['pending', 'open', 'routing', 'building', 'submitted', 'confirmed', 'failed', 'cancelled', 'expired'];
function stepIndex(status) {
  const i = ORDER.indexOf(status);
  return i === -1 ? 0 : Math.min(i, 4);
}
