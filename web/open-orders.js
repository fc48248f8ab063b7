// The "Open orders" panel: a row per resting order, with an inline amend of its price and amount
// and a cancel per row, and the Cancel all button. A row comes with the order's `open` event (or a
// snapshot from `list`) and goes with any later status. Data goes in with textContent only.

import { formatAmount, formatPrice, formatTime } from './format.js';

const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d{1,18})?$/;
const COLUMNS = [
  ['time', 'Placed'],
  ['pair', 'Pair'],
  ['type', 'Type'],
  ['side', 'Side'],
  ['amount', 'Amount'],
  ['price', 'Price'],
  ['tif', 'Time in force'],
  ['actions', 'Actions'],
];

/** The price term a row's amend changes, per type; a sniper's terms are fixed once placed. */
const AMENDABLE_PRICE = { limit: { term: 'limitPrice', label: 'New limit price' }, stop: { term: 'triggerPrice', label: 'New trigger price' } };

/**
 * @param {{ body: HTMLElement, empty: HTMLElement, cancelAllButton: HTMLButtonElement, status: HTMLElement,
 *           request: (message: object) => Promise<any>, onChange: () => void }} options
 */
export function createOpenOrders({ body, empty, cancelAllButton, status, request, onChange }) {
  const entries = new Map(); // orderId → { row, order, editor: null | { price?, amount? } }
  const notSent = (err) => ({ type: 'error', code: 'NOT_SENT', message: `${err.message}; check the connection and try again` });
  cancelAllButton.addEventListener('click', () => void cancelAll());

  const cell = (entry, name) => entry.row.querySelector(`[data-cell="${name}"]`);

  function createRow(order) {
    const row = document.createElement('tr');
    row.dataset.orderId = order.orderId;
    for (const [name, label] of COLUMNS) {
      const td = document.createElement('td');
      td.dataset.cell = name;
      td.dataset.label = label;
      if (['amount', 'price'].includes(name)) td.className = 'num';
      row.append(td);
    }
    return row;
  }

  /** Shows `order` (status open) in its row, adding the row newest first. */
  function render(order) {
    let entry = entries.get(order.orderId);
    if (!entry) {
      entry = { row: createRow(order), order, editor: null };
      entries.set(order.orderId, entry);
      const older = [...body.children].find((row) => entries.get(row.dataset.orderId).order.createdAt < order.createdAt);
      body.insertBefore(entry.row, older ?? null);
      empty.hidden = true;
    }
    entry.order = order;
    paint(entry);
    onChange();
  }

  function paint(entry) {
    const { order } = entry;
    const [base, quote] = order.pair.split('/');
    cell(entry, 'time').textContent = formatTime(order.createdAt);
    cell(entry, 'pair').textContent = order.pair;
    cell(entry, 'type').textContent = order.type;
    const side = cell(entry, 'side');
    side.textContent = order.side;
    side.className = `side ${order.side}`;
    cell(entry, 'tif').textContent = timeInForceText(order);
    if (entry.editor) return; // the inputs keep what the trader is typing
    cell(entry, 'amount').textContent = order.type === 'sniper' ? `${formatAmount(order.amount, quote)} ${quote}` : formatAmount(order.amount, base);
    const price = cell(entry, 'price');
    price.textContent = priceText(order);
    price.title = priceMeaning(order);
    renderActions(entry);
  }

  function renderActions(entry) {
    const td = cell(entry, 'actions');
    const what = describe(entry.order);
    const buttons = document.createElement('div');
    buttons.className = 'row-actions';
    if (entry.editor) {
      buttons.append(button('Save', `Save the new terms of ${what}`, () => void save(entry)), button('Discard', `Discard the changes to ${what}`, () => closeEditor(entry), 'secondary'));
    } else {
      if (AMENDABLE_PRICE[entry.order.type]) buttons.append(button('Amend', `Amend ${what}`, () => openEditor(entry), 'secondary'));
      buttons.append(button('Cancel', `Cancel ${what}`, () => void cancelRow(entry), 'secondary danger'));
    }
    const error = td.querySelector('.row-error') ?? rowError();
    td.replaceChildren(buttons, error);
  }

  function openEditor(entry) {
    const { order } = entry;
    const amendable = AMENDABLE_PRICE[order.type];
    entry.editor = {
      price: input(amendable.label, order[amendable.term]),
      amount: input('New amount', order.amount),
    };
    for (const field of [entry.editor.price, entry.editor.amount]) {
      field.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') void save(entry);
        if (event.key === 'Escape') closeEditor(entry);
      });
    }
    showError(entry, '');
    cell(entry, 'price').replaceChildren(entry.editor.price);
    cell(entry, 'amount').replaceChildren(entry.editor.amount);
    renderActions(entry);
    entry.editor.price.focus();
    entry.editor.price.select();
  }

  function closeEditor(entry) {
    entry.editor = null;
    paint(entry);
    if (entries.get(entry.order.orderId) === entry) entry.row.querySelector('button')?.focus();
  }

  async function save(entry) {
    const { order, editor } = entry;
    if (!editor) return;
    const { term } = AMENDABLE_PRICE[order.type];
    const terms = {};
    for (const [key, field, current] of [[term, editor.price, order[term]], ['amount', editor.amount, order.amount]]) {
      const value = field.value.trim();
      field.removeAttribute('aria-invalid');
      if (!DECIMAL.test(value) || Number(value) <= 0) {
        field.setAttribute('aria-invalid', 'true');
        field.focus();
        return showError(entry, `${field.getAttribute('aria-label')}: use a positive decimal such as 1.5.`);
      }
      if (Number(value) !== Number(current)) terms[key] = value;
    }
    if (Object.keys(terms).length === 0) return closeEditor(entry);
    setBusy(entry, true);
    const reply = await request({ op: 'amend', orderId: order.orderId, ...terms }).catch(notSent);
    setBusy(entry, false);
    if (entries.get(order.orderId) !== entry) return; // it left `open` meanwhile: its row is gone
    if (reply.type === 'error') {
      // NOT_AMENDABLE: it was triggered (or ended) while the trader typed; the message says which.
      showError(entry, reply.code === 'NOT_AMENDABLE' ? `Not amendable: ${reply.message}` : `${reply.code}: ${reply.message}`);
      editor.price.focus();
      return;
    }
    // The `open` event with the new terms follows the `amended` reply and repaints the row.
    closeEditor(entry);
  }

  async function cancelRow(entry) {
    showError(entry, '');
    setBusy(entry, true);
    const reply = await request({ op: 'cancel', orderId: entry.order.orderId }).catch(notSent);
    if (entries.get(entry.order.orderId) !== entry) return;
    setBusy(entry, false);
    if (reply.type === 'cancelled') return remove(entry.order.orderId);
    showError(entry, `${reply.code}: ${reply.message}`);
  }

  function setBusy(entry, busy) {
    entry.row.toggleAttribute('aria-busy', busy);
    for (const control of entry.row.querySelectorAll('button, input')) control.disabled = busy;
  }

  function showError(entry, text) {
    const error = cell(entry, 'actions').querySelector('.row-error');
    if (error) {
      error.textContent = text;
      error.hidden = text === '';
    }
  }

  /** Cancels every order of the account that can still be cancelled (resting or in flight); the rows go as the reply names them. */
  async function cancelAll() {
    // Not disabled while it waits: the page enables and disables the button with the connection.
    if (cancelAllButton.hasAttribute('aria-busy')) return;
    cancelAllButton.setAttribute('aria-busy', 'true');
    status.textContent = 'Cancelling…';
    const reply = await request({ op: 'cancelAll' }).catch(notSent);
    cancelAllButton.removeAttribute('aria-busy');
    if (reply.type !== 'cancelled_all') {
      status.textContent = `Not cancelled: ${reply.code}: ${reply.message}`;
      return;
    }
    for (const orderId of reply.orderIds) remove(orderId);
    status.textContent = reply.count === 0 ? 'Nothing to cancel.' : `Cancelled ${reply.count} order${reply.count === 1 ? '' : 's'}.`;
  }

  /** Takes the order's row away (it is no longer resting), keeping the keyboard focus in the table. */
  function remove(orderId) {
    const entry = entries.get(orderId);
    if (!entry) return;
    entries.delete(orderId);
    const hadFocus = entry.row.contains(document.activeElement);
    const next = entry.row.nextElementSibling ?? entry.row.previousElementSibling;
    entry.row.remove();
    empty.hidden = entries.size > 0;
    if (hadFocus) (next?.querySelector('button') ?? empty).focus();
    onChange();
  }

  return {
    render,
    remove,
    has: (orderId) => entries.has(orderId),
    /** The orders resting now, newest first. */
    list: () => [...body.children].map((row) => entries.get(row.dataset.orderId)?.order).filter(Boolean),
  };
}

/** "buy 1.0000 SOL/USDC limit 1.00000": what a row is, for its buttons' accessible names. */
function describe(order) {
  const [base, quote] = order.pair.split('/');
  const size = order.type === 'sniper' ? `${formatAmount(order.amount, quote)} ${quote} of` : formatAmount(order.amount, base);
  return `${order.side} ${size} ${order.pair} ${order.type} ${priceText(order)}`;
}

/** The price a resting order waits on: the chart draws its line there. */
export function restingPrice(order) {
  return { limit: order.limitPrice, stop: order.triggerPrice, sniper: order.maxPrice }[order.type] ?? null;
}

function priceText(order) {
  if (order.type === 'stop') return `${order.trigger} ${formatPrice(order.triggerPrice)}`;
  if (order.type === 'sniper') return `max ${formatPrice(order.maxPrice)}`;
  return formatPrice(order.limitPrice);
}

function priceMeaning(order) {
  const [base, quote] = order.pair.split('/');
  if (order.type === 'stop') return `Goes out as a market ${order.side} when the reference price goes ${order.trigger} ${formatPrice(order.triggerPrice)} ${quote}`;
  if (order.type === 'sniper') return `Buys when ${order.pair} launches, paying at most ${formatPrice(order.maxPrice)} ${quote} per ${base}`;
  return `${order.side === 'buy' ? 'Buys' : 'Sells'} at ${formatPrice(order.limitPrice)} ${quote} per ${base} or better, fees included`;
}

function timeInForceText(order) {
  if (order.type === 'sniper') return order.expireAt ? `until ${formatExpiry(order.expireAt)}` : 'until launch';
  if (order.timeInForce === 'GTD' && order.expireAt) return `GTD ${formatExpiry(order.expireAt)}`;
  return order.timeInForce ?? 'GTC';
}

/** Today's expiries by the clock, later ones with their date. */
function formatExpiry(ts) {
  const date = new Date(ts);
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}

function button(text, label, onClick, className = '') {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = `small ${className}`.trim();
  element.textContent = text;
  element.setAttribute('aria-label', label);
  element.addEventListener('click', onClick);
  return element;
}

function input(label, value) {
  const element = document.createElement('input');
  element.inputMode = 'decimal';
  element.autocomplete = 'off';
  element.value = value ?? '';
  element.setAttribute('aria-label', label);
  return element;
}

function rowError() {
  const error = document.createElement('p');
  error.className = 'row-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  return error;
}
