// The four order types: which inputs of the form each one takes and how they are read into a
// submit. The server checks everything again; these checks only save the trader a round trip.

const DECIMAL = /^(0|[1-9]\d{0,14})(\.\d{1,18})?$/;
const PAIR = /^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/;

/**
 * Per type: its wire fields and the id of the input each is typed into (a server error naming
 * the field is shown there), the times in force it offers, and a line saying what it does.
 */
export const ORDER_TYPES = {
  market: {
    hint: 'Routed and sent at once at the best price, within the slippage.',
    inputs: { pair: 'pair', side: 'side', amount: 'amount', slippageBps: 'slippage' },
    read: (r) => ({ type: 'market', pair: r.pair(), side: r.side(), amount: r.amount(), slippageBps: r.slippage() }),
  },
  limit: {
    hint: 'Fills all at once at the limit price (fees included) or better, or rests until it can.',
    inputs: { pair: 'pair', side: 'side', amount: 'amount', limitPrice: 'limit-price', timeInForce: 'time-in-force', expireAt: 'expire-at' },
    timesInForce: ['GTC', 'GTD', 'IOC'],
    read: (r) => ({ type: 'limit', pair: r.pair(), side: r.side(), amount: r.amount(), limitPrice: r.price('limitPrice'), ...r.timeInForce(['GTC', 'GTD', 'IOC']) }),
  },
  stop: {
    hint: 'Rests until the reference price crosses the trigger, then goes out as a market order.',
    inputs: { pair: 'pair', side: 'side', amount: 'amount', triggerPrice: 'trigger-price', trigger: 'trigger', slippageBps: 'slippage', timeInForce: 'time-in-force', expireAt: 'expire-at' },
    // A stop rests until it triggers: "immediate or cancel" means nothing for it.
    timesInForce: ['GTC', 'GTD'],
    read: (r) => ({
      type: 'stop',
      pair: r.pair(),
      side: r.side(),
      amount: r.amount(),
      triggerPrice: r.price('triggerPrice'),
      trigger: r.trigger(),
      slippageBps: r.slippage(),
      ...r.timeInForce(['GTC', 'GTD']),
    }),
  },
  sniper: {
    hint: 'Waits for a new pair to launch, then buys for the amount spent at no more than the max price.',
    inputs: { pair: 'sniper-pair', spend: 'spend', maxPrice: 'max-price', expireAt: 'expire-at' },
    read: (r) => ({ type: 'sniper', side: 'buy', pair: r.newPair(), spend: r.spend(), maxPrice: r.price('maxPrice'), ...r.optionalExpiry() }),
  },
};

/** The quote currency the price and spend inputs are in, for the type chosen now. */
export function quoteSymbol(form, pairs) {
  if (form.elements.type.value === 'sniper') return form.elements.sniperPair.value.trim().toUpperCase().split('/')[1] || 'USDC';
  return pairs.find((p) => p.symbol === form.elements.pair.value)?.quote.symbol ?? '';
}

/** Shows the inputs the chosen type takes (the expiry only when it applies) and hides the rest. */
export function showTypeFields(form) {
  const type = ORDER_TYPES[form.elements.type.value] ?? ORDER_TYPES.market;
  const tif = form.elements.timeInForce;
  for (const option of tif.options) option.hidden = option.disabled = !type.timesInForce?.includes(option.value);
  if (type.timesInForce && !type.timesInForce.includes(tif.value)) tif.value = 'GTC';
  const expiry = type.inputs.expireAt !== undefined && (type.timesInForce === undefined || tif.value === 'GTD');
  for (const id of new Set(Object.values(ORDER_TYPES).flatMap((t) => Object.values(t.inputs)))) {
    const shown = Object.values(type.inputs).includes(id) && (id !== 'expire-at' || expiry);
    form.querySelector(`#${id}`).closest('.field').hidden = !shown;
  }
  form.querySelector('#expire-optional').hidden = type.timesInForce !== undefined;
  // A GTD order needs a time: offer one an hour ahead rather than an empty box. Where the time is
  // optional (a sniper) or not taken, an offer the trader did not touch is taken back.
  const input = form.elements.expireAt;
  const required = expiry && type.timesInForce !== undefined;
  if (required && !input.value) input.value = input.dataset.offered = localInputValue(Date.now() + 3_600_000);
  if (!required && input.value === input.dataset.offered) input.value = '';
  form.querySelector('#order-type-hint').textContent = type.hint;
}

/** The input a wire field of the chosen type is typed into (for showing the server's error there). */
export function inputIdFor(form, field) {
  return ORDER_TYPES[form.elements.type.value]?.inputs[field];
}

/**
 * The submit the form describes, and an error per wire field that is not right yet (ok when none).
 * @returns {{ok: boolean, order: object, errors: Record<string, string>}}
 */
export function readOrder(form, pairs) {
  const type = ORDER_TYPES[form.elements.type.value] ?? ORDER_TYPES.market;
  const r = createReader(form, pairs);
  const order = type.read(r);
  return { ok: Object.keys(r.errors).length === 0, order, errors: r.errors };
}

/** Reads one field at a time, collecting an error per wire field. */
function createReader(form, pairs) {
  const data = new FormData(form);
  const errors = {};
  const text = (name) => String(data.get(name) ?? '').trim();
  const info = pairs.find((p) => p.symbol === text('pair'));

  function decimal(field, value, decimals, symbol) {
    if (!value) errors[field] = 'Enter a number.';
    else if (!DECIMAL.test(value)) errors[field] = 'Use digits and a decimal point, e.g. 1.5.';
    else if (Number(value) <= 0) errors[field] = 'It must be greater than zero.';
    else if (decimals !== undefined && (value.split('.')[1]?.length ?? 0) > decimals) errors[field] = `${symbol} has at most ${decimals} decimals.`;
    return value;
  }

  function expiry(required) {
    const value = text('expireAt');
    if (!value) {
      if (required) errors.expireAt = 'Choose when the order expires.';
      return {};
    }
    const expireAt = new Date(value).getTime();
    if (!Number.isFinite(expireAt)) errors.expireAt = 'Choose a date and time.';
    else if (expireAt <= Date.now()) errors.expireAt = 'Choose a time in the future.';
    return { expireAt };
  }

  return {
    errors,
    pair() {
      if (!info) errors.pair = 'Choose a pair.';
      return text('pair');
    },
    newPair() {
      const pair = text('sniperPair').toUpperCase();
      if (!PAIR.test(pair)) errors.pair = 'Type the pair as BASE/QUOTE, e.g. NEW/USDC.';
      return pair;
    },
    side() {
      const side = text('side');
      if (side !== 'buy' && side !== 'sell') errors.side = 'Choose buy or sell.';
      return side;
    },
    amount: () => decimal('amount', text('amount'), info?.base.decimals, info?.base.symbol),
    spend: () => decimal('spend', text('spend')),
    price: (field) => decimal(field, text(field)),
    trigger() {
      const trigger = text('trigger');
      if (trigger !== 'above' && trigger !== 'below') errors.trigger = 'Choose above or below.';
      return trigger;
    },
    slippage() {
      const value = text('slippage');
      if (value === '') return 50;
      const bps = text('slippageUnit') === 'bps' ? Number(value) : Math.round(Number(value) * 100);
      if (!/^\d+(\.\d+)?$/.test(value)) errors.slippageBps = 'Enter a number.';
      else if (!Number.isInteger(bps)) errors.slippageBps = 'Basis points are whole numbers.';
      else if (bps < 1 || bps > 5000) errors.slippageBps = 'Slippage must be between 0.01 % (1 bps) and 50 % (5000 bps).';
      return bps;
    },
    timeInForce(offered) {
      const timeInForce = text('timeInForce') || 'GTC';
      if (!offered.includes(timeInForce)) errors.timeInForce = `Choose ${offered.join(', ')}.`;
      return { timeInForce, ...(timeInForce === 'GTD' ? expiry(true) : {}) };
    },
    optionalExpiry: () => expiry(false),
  };
}

/** A time as a datetime-local input shows it: local, to the minute. */
function localInputValue(ms) {
  const date = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
