// The account's orders as this page knows them: built from acks, events and `list` snapshots
// (orders.js), shown in the blotter and, while they rest, in Open orders, and caught up after
// every (re)connect.

import { TERMINAL, applyUpdate, createOrder } from './orders.js';

/**
 * @param {{ blotter: { render(order: object): void, announce(order: object): void },
 *           openOrders: { render(order: object): void, remove(orderId: string): void, list(): object[] },
 *           client: { submit(fields: object): Promise<{ ack: object }>, follow(orderId: string, fromSeq: number): Promise<unknown> },
 *           request: (message: object) => Promise<any>, onFill: () => void, onSniperLaunch: () => void }} options
 */
export function createAccountOrders({ blotter, openOrders, client, request, onFill, onSniperLaunch }) {
  const orders = new Map();
  const submits = new Map(); // clientOrderId → the fields the page sent, until the ack names the order

  function update(order, message) {
    const was = order.status;
    if (!applyUpdate(order, message)) return;
    show(order);
    // Replayed history is shown, not read out: only fresh changes are announced.
    if (Date.now() - message.ts < 5_000) blotter.announce(order);
    if (order.status === 'confirmed') onFill();
    // A sniper leaves `open` when its pair launches: the pair list has a new entry then.
    if (order.type === 'sniper' && was === 'open') onSniperLaunch();
  }

  /** Shows an order in the blotter, and in Open orders while it rests. */
  function show(order) {
    blotter.render(order);
    if (order.status === 'open') openOrders.render(order);
    // Only a replay from the start goes back to pending: the row stays until the replay reaches a later status.
    else if (order.status !== 'pending') openOrders.remove(order.orderId);
  }

  return {
    /** Every order the page knows, by orderId. */
    orders,

    /** Sends a submit with a new clientOrderId and resolves with its ack; a refusal rejects with the server's reply on the error. */
    async submit(fields) {
      const clientOrderId = `web-${crypto.randomUUID()}`;
      submits.set(clientOrderId, { ...fields, clientOrderId });
      try {
        return (await client.submit({ ...fields, clientOrderId })).ack;
      } catch (err) {
        submits.delete(clientOrderId);
        throw err;
      }
    },

    ack(message) {
      const sent = submits.get(message.clientOrderId);
      submits.delete(message.clientOrderId);
      const order = orders.get(message.orderId) ?? createOrder({ ...sent, orderId: message.orderId });
      orders.set(order.orderId, order);
      // A submit sent again after a lost connection gets the order back as a duplicate ack: it stands
      // for seq 1, and the events after it are replayed.
      update(order, message.duplicate ? { ...message, status: 'pending', seq: 1 } : message);
    },

    /** An order event, for an order the page knows. */
    event(message) {
      const order = orders.get(message.orderId);
      if (order) update(order, message);
    },

    /** After (re)connecting: the order history and every resting order, and every order still in flight resumed where it stopped. */
    async resync() {
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
    },
  };
}
