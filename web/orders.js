// The page's view of each order, built from the server's ack and events (or a snapshot from history).

export const STEPS = ['pending', 'routing', 'building', 'submitted'];
/** A resting order (limit, stop, sniper) waits in `open` before it is routed. */
export const RESTING_STEPS = ['pending', 'open', 'routing', 'building', 'submitted'];
export const TERMINAL = new Set(['confirmed', 'failed', 'cancelled', 'expired']);

/** The terms a resting order waits on, as the wire names them. */
export const TERMS = ['limitPrice', 'triggerPrice', 'trigger', 'spend', 'maxPrice', 'timeInForce', 'expireAt'];

/** The steps an order of this type goes through before its outcome. */
export function stepsOf(order) {
  return order.type === 'market' ? STEPS : RESTING_STEPS;
}

/** A new order record from what the page sent (or a history snapshot). */
export function createOrder(fields) {
  const order = {
    orderId: fields.orderId,
    clientOrderId: fields.clientOrderId,
    type: fields.type ?? 'market',
    pair: fields.pair,
    side: fields.side,
    // A sniper's amount is the QUOTE it spends.
    amount: fields.amount ?? fields.spend,
    createdAt: fields.createdAt ?? Date.now(),
    status: fields.status ?? 'pending',
    lastSeq: fields.lastSeq ?? 0,
    steps: {},
    quotes: fields.quotes ?? null,
    dex: fields.dex ?? null,
    route: fields.route ?? null,
    limit: fields.limit ?? null,
    txHash: fields.txHash ?? null,
    executedPrice: fields.executedPrice ?? null,
    amountIn: fields.amountIn ?? null,
    amountOut: fields.amountOut ?? null,
    error: fields.error ?? null,
    attempts: fields.attempts ?? null,
    /** Why it rests again, when the server says (an `open` event after a trigger that could not fill). */
    note: null,
  };
  for (const key of TERMS) order[key] = fields[key] ?? null;
  return order;
}

/** Applies an ack or event in seq order; returns false for one already applied. */
export function applyUpdate(order, message) {
  if (typeof message.seq !== 'number' || message.seq <= order.lastSeq) return false;
  order.lastSeq = message.seq;
  order.status = message.status;
  order.steps[message.status] = message.ts;
  for (const key of ['dex', 'route', 'quotes', 'limit', 'txHash', 'executedPrice', 'amountIn', 'amountOut', 'error', 'attempts', 'clientOrderId']) {
    if (message[key] !== undefined) order[key] = message[key];
  }
  if (message.status === 'open') {
    // An `open` event states the whole terms as they stand now (after an amend, the new ones).
    order.type = message.orderType ?? order.type;
    order.amount = message.amount ?? order.amount;
    for (const key of TERMS) order[key] = message[key] ?? null;
    order.note = message.reason === 'reopened' ? message.message ?? 'Back to resting: the trigger could not fill within its terms.' : null;
  }
  if (message.type === 'ack') order.createdAt = message.ts;
  return true;
}

/** Milliseconds each step took: from the step's own time to the next recorded one. */
export function stepDurations(order) {
  const times = [...stepsOf(order), order.status].filter((step, i, all) => all.indexOf(step) === i).map((step) => [step, order.steps[step]]);
  const out = {};
  for (let i = 0; i + 1 < times.length; i += 1) {
    const [step, start] = times[i];
    const end = times[i + 1][1];
    if (start !== undefined && end !== undefined) out[step] = end - start;
  }
  return out;
}
