// The New order form: the fields each type shows, the units in its labels, the quote for what it
// says now, and placing it (once, or five at once) with every error next to its field.

import { clearErrors, showErrors } from './form.js';
import { quoteSymbol, readOrder, showTypeFields } from './order-types.js';

/**
 * @param {{ form: HTMLFormElement, fire: HTMLButtonElement, pairs: () => object[], isOpen: () => boolean,
 *           quotePanel: { update(order: object | null): void }, submit: (fields: object) => Promise<object> }} options
 *   `submit` resolves with the ack and rejects with the server's reply on the error when it refuses.
 */
export function createOrderEntry({ form, fire, pairs, isOpen, quotePanel, submit }) {
  const $ = (selector) => form.querySelector(selector);

  /**
   * A quote for the size the form says now (a limit or stop too, to help choose its price); nothing
   * while the amount is half-typed, nor for a sniper's pair, which has no pool yet.
   */
  function requestQuote() {
    const { order, errors } = readOrder(form, pairs());
    const quotable = order.type !== 'sniper' && !errors.pair && !errors.side && !errors.amount;
    quotePanel.update(quotable && isOpen() ? order : null);
  }

  /** The units in the labels: the pair's base for the amount, its quote for prices and spend. */
  function updateUnit() {
    const pair = pairs().find((p) => p.symbol === $('#pair').value);
    $('#amount-unit').textContent = pair ? pair.base.symbol : '';
    const quote = quoteSymbol(form, pairs());
    for (const unit of form.querySelectorAll('.quote-unit')) unit.textContent = quote;
  }

  /** Sends `fields` as they are; the server's refusal is shown next to the field it names and resolves as its reply. */
  async function send(fields) {
    try {
      return await submit(fields);
    } catch (err) {
      if (!err.reply) throw err;
      showErrors(form, { [err.field ?? 'form']: `${err.message}${err.retryable ? ' (try again)' : ''}` });
      return err.reply;
    }
  }

  async function placeFromForm(times) {
    const read = readOrder(form, pairs());
    if (!read.ok) return showErrors(form, read.errors);
    clearErrors(form);
    try {
      await Promise.all(Array.from({ length: times }, () => send(read.order)));
    } catch (err) {
      showErrors(form, { form: `Not sent: ${err.message}. Check the connection and try again.` });
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void placeFromForm(1);
  });
  fire.addEventListener('click', () => void placeFromForm(5));
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

  return { requestQuote, updateUnit, send };
}
