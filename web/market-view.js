// The Market panel: the selected pair's price chart, fed by its ticker channel, with the trader's
// confirmed fills marked and a line at each of their resting orders' prices.

import { createPriceChart } from './chart.js';
import { formatPrice } from './format.js';
import { restingPrice } from './open-orders.js';
import { createTickerFeed } from './ticker.js';

/**
 * @param {{ svg: SVGSVGElement, legend: HTMLElement, summary: HTMLElement, title: HTMLElement, error: HTMLElement,
 *           connection: { open: boolean, request: (message: object) => Promise<any> }, pair: () => string,
 *           orders: () => Iterable<object>, restingOrders: () => object[] }} options
 *   `pair` is the pair selected in the form, `orders` every order the page knows, `restingOrders` those in Open orders.
 */
export function createMarketView({ svg, legend, summary, title, error, connection, pair, orders, restingOrders }) {
  const chart = createPriceChart({ svg, legend, summary });
  const ticker = createTickerFeed({
    connection,
    onError: (text) => {
      error.textContent = text;
      error.hidden = false;
    },
  });

  /** A line on the chart at each resting order of the charted pair. */
  function drawLevels() {
    const symbol = pair();
    chart.setLevels(
      restingOrders()
        .filter((order) => order.pair === symbol && restingPrice(order))
        .map((order) => ({ orderId: order.orderId, side: order.side, price: restingPrice(order), label: levelLabel(order) })),
    );
  }

  /** The selected pair's confirmed orders, at the price and time they filled. */
  function markFills() {
    const symbol = pair();
    const fills = [...orders()]
      .filter((order) => order.pair === symbol && order.status === 'confirmed' && order.executedPrice)
      .map((order) => ({ orderId: order.orderId, ts: order.steps.confirmed ?? order.createdAt, price: order.executedPrice, side: order.side, amount: `${order.amount} ${symbol.split('/')[0]}` }));
    chart.setFills(fills);
  }

  return {
    /** Charts `symbol`: its ticker, the trader's fills and resting levels on it. */
    show(symbol) {
      title.textContent = symbol;
      error.hidden = true;
      chart.show(symbol);
      ticker.follow(symbol);
      markFills();
      drawLevels();
    },
    /** A new socket follows nothing yet: subscribes the charted pair again. */
    resubscribe() {
      if (pair()) ticker.follow(pair());
    },
    /** A ticker message: drawn when it is for the pair followed now. */
    tick(message) {
      if (ticker.accepts(message)) chart.addTick(message);
    },
    drawLevels,
    markFills,
  };
}

function levelLabel(order) {
  const what = order.type === 'stop' ? `stop ${order.trigger}` : order.type === 'sniper' ? 'sniper max' : 'limit';
  return `${order.side} ${what} ${formatPrice(restingPrice(order))}`;
}
