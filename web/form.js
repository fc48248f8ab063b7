// Reads and checks the order form before anything is sent; the server checks again and its errors
// are shown next to the field they name.

const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d+)?$/;
const FIELDS = { pair: 'pair', side: 'side', amount: 'amount', slippageBps: 'slippage' };

/** @returns {{ok: true, order: object} | {ok: false, errors: Record<string, string>}} */
export function readOrder(form, pairs) {
  const data = new FormData(form);
  const errors = {};
  const pair = String(data.get('pair') ?? '');
  const side = String(data.get('side') ?? '');
  const amount = String(data.get('amount') ?? '').trim();
  const slippageText = String(data.get('slippage') ?? '').trim();
  const unit = String(data.get('slippageUnit') ?? 'pct');
  const info = pairs.find((p) => p.symbol === pair);

  if (!info) errors.pair = 'Choose a pair.';
  if (side !== 'buy' && side !== 'sell') errors.side = 'Choose buy or sell.';
  if (!amount) errors.amount = 'Enter an amount.';
  else if (!DECIMAL.test(amount)) errors.amount = 'Use digits and a decimal point, e.g. 1.5.';
  else if (Number(amount) <= 0) errors.amount = 'The amount must be greater than zero.';
  else if (info && (amount.split('.')[1]?.length ?? 0) > info.base.decimals) errors.amount = `${info.base.symbol} has at most ${info.base.decimals} decimals.`;

  let slippageBps = 50;
  if (slippageText !== '') {
    const value = Number(slippageText);
    slippageBps = unit === 'pct' ? Math.round(value * 100) : value;
    if (!Number.isFinite(value) || !/^\d+(\.\d+)?$/.test(slippageText)) errors.slippageBps = 'Enter a number.';
    else if (!Number.isInteger(slippageBps)) errors.slippageBps = 'Basis points are whole numbers.';
    else if (slippageBps < 1 || slippageBps > 5000) errors.slippageBps = 'Slippage must be between 0.01 % (1 bps) and 50 % (5000 bps).';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, order: { type: 'market', pair, side, amount, slippageBps } };
}

/** Shows each error under its field (or the form's general line) and marks the inputs invalid. */
export function showErrors(form, errors) {
  clearErrors(form);
  for (const [field, message] of Object.entries(errors)) {
    const id = FIELDS[field];
    const slot = form.querySelector(`#${id ?? 'form'}-error`) ?? form.querySelector('#form-error');
    slot.textContent = message;
    const input = id ? form.querySelector(`#${id}`) : null;
    input?.setAttribute('aria-invalid', 'true');
  }
  const first = Object.keys(errors).map((field) => form.querySelector(`#${FIELDS[field]}`)).find(Boolean);
  first?.focus?.();
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}
