// A small SVG line chart of one pair's market: the reference price and each venue's mid over the
// last minutes, with the trader's own fills marked and a line at each of their resting orders'
// prices. Everything goes in through DOM APIs.

import { DEX_NAMES, formatPrice } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const WINDOW_MS = 3 * 60_000;
// The accessible name follows each tick (it is not announced); the text summary is read out, so it changes less often.
const SUMMARY_EVERY_MS = 5_000;
const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 70, right: 10, top: 10, bottom: 22 };
// A resting order this close to the market widens the scale to show where it sits; one further away
// would flatten the market into a line, so it is pinned to the edge it lies beyond instead.
const LEVEL_SCALE_BAND = 0.03;

/** The lines drawn, in legend order. */
export const SERIES = [
  { key: 'reference', label: 'Reference' },
  { key: 'raydium', label: DEX_NAMES.raydium },
  { key: 'meteora', label: DEX_NAMES.meteora },
];

function node(name, attributes = {}) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Builds the chart inside `svg`; `legend` gets one entry per series, `summary` the throttled text for screen readers. */
export function createPriceChart({ svg, legend, summary }) {
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('role', 'img');
  const grid = node('g', { class: 'grid' });
  const lines = new Map(SERIES.map(({ key }) => [key, node('polyline', { class: `series ${key}`, 'data-series': key, fill: 'none' })]));
  const marks = node('g', { class: 'fills' });
  const levelLines = node('g', { class: 'levels' });
  svg.replaceChildren(grid, levelLines, ...lines.values(), marks);

  const values = new Map();
  legend.replaceChildren(
    ...SERIES.map(({ key, label }) => {
      const item = document.createElement('li');
      item.className = `legend-${key}`;
      const name = document.createElement('span');
      name.textContent = label;
      const value = document.createElement('span');
      value.className = 'num';
      values.set(key, value);
      item.append(name, value);
      return item;
    }),
  );

  let pair = null;
  let points = []; // { ts, reference, raydium, meteora } as numbers, oldest first
  let fills = []; // { orderId, ts, price, text }
  let levels = []; // { orderId, side, price, label }
  let summarizedAt = 0;

  function show(next) {
    if (next === pair) return;
    pair = next;
    points = [];
    summarizedAt = 0;
    for (const value of values.values()) value.textContent = '';
    summary.textContent = `Waiting for ${pair} prices.`;
    svg.setAttribute('aria-label', `Price chart for ${pair}: waiting for prices`);
    draw();
  }

  function addTick(tick) {
    if (tick.pair !== pair) return;
    const point = { ts: tick.ts, reference: Number(tick.reference) };
    for (const venue of tick.venues) point[venue.dex] = Number(venue.mid);
    if (points.length > 0 && points[points.length - 1].ts >= point.ts) return;
    points.push(point);
    while (points.length > 0 && points[0].ts < point.ts - WINDOW_MS) points.shift();
    for (const { key } of SERIES) values.get(key).textContent = formatPrice(point[key]);
    svg.setAttribute('aria-label', `Price chart for ${pair}, last 3 minutes. Now: ${latestText(point)}`);
    if (point.ts - summarizedAt >= SUMMARY_EVERY_MS) {
      summarizedAt = point.ts;
      summary.textContent = summaryText();
    }
    draw();
  }

  /** Replaces the marked fills: `{orderId, ts, price, side, amount}` each. */
  function setFills(list) {
    fills = list.map((fill) => ({ ...fill, price: Number(fill.price) })).filter((fill) => Number.isFinite(fill.price));
    draw();
  }

  /** Replaces the resting orders' lines: `{orderId, side, price, label}` each, `label` saying what rests there. */
  function setLevels(list) {
    levels = list.map((level) => ({ ...level, price: Number(level.price) })).filter((level) => Number.isFinite(level.price));
    draw();
  }

  /** The levels close enough to the latest reference price to be drawn to scale. */
  function levelsToScale() {
    const reference = points[points.length - 1]?.reference;
    if (!Number.isFinite(reference)) return [];
    return levels.filter((level) => Math.abs(level.price - reference) <= reference * LEVEL_SCALE_BAND);
  }

  function latestText(point) {
    return SERIES.filter(({ key }) => Number.isFinite(point[key]))
      .map(({ key, label }) => `${label} ${formatPrice(point[key])}`)
      .join(', ');
  }

  function summaryText() {
    const first = points[0];
    const last = points[points.length - 1];
    const change = ((last.reference - first.reference) / first.reference) * 100;
    const direction = Math.abs(change) < 0.005 ? 'flat' : `${change > 0 ? 'up' : 'down'} ${Math.abs(change).toFixed(2)} %`;
    const seconds = Math.round((last.ts - first.ts) / 1000);
    const shown = visibleFills().length;
    const resting = levels.length ? ` Your resting orders: ${levels.map((level) => level.label).join('; ')}.` : '';
    return `${pair} over the last ${seconds} s: reference ${direction}, now ${latestText(last)}.${shown ? ` ${shown} of your fills marked.` : ''}${resting}`;
  }

  function visibleFills() {
    if (points.length === 0) return [];
    const from = points[0].ts;
    const to = points[points.length - 1].ts;
    return fills.filter((fill) => fill.ts >= from && fill.ts <= to + 1_000);
  }

  function draw() {
    const shownFills = visibleFills();
    const prices = points
      .flatMap((point) => SERIES.map(({ key }) => point[key]))
      .concat(shownFills.map((fill) => fill.price), levelsToScale().map((level) => level.price))
      .filter(Number.isFinite);
    if (prices.length === 0) {
      for (const line of lines.values()) line.setAttribute('points', '');
      const waiting = node('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle' });
      waiting.textContent = pair ? 'Waiting for prices…' : '';
      grid.replaceChildren(waiting);
      marks.replaceChildren();
      levelLines.replaceChildren();
      return;
    }
    let low = Math.min(...prices);
    let high = Math.max(...prices);
    const span = Math.max(high - low, Math.abs(high) * 0.0005);
    low -= span * 0.1;
    high += span * 0.1;
    const from = points[0]?.ts ?? 0;
    const to = Math.max(points[points.length - 1]?.ts ?? 0, from + 1);
    const x = (ts) => (PAD.left + ((ts - from) / (to - from)) * (WIDTH - PAD.left - PAD.right)).toFixed(1);
    const y = (price) => (PAD.top + ((high - price) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom)).toFixed(1);

    grid.replaceChildren(
      ...[high, (high + low) / 2, low].flatMap((price) => {
        const label = node('text', { x: PAD.left - 6, y: Number(y(price)) + 4, 'text-anchor': 'end' });
        label.textContent = formatPrice(price);
        return [node('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(price), y2: y(price) }), label];
      }),
    );
    const age = node('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' });
    age.textContent = `${Math.round((to - from) / 1000)} s`;
    grid.append(age);

    for (const { key } of SERIES) {
      const coords = points.filter((point) => Number.isFinite(point[key])).map((point) => `${x(point.ts)},${y(point[key])}`);
      lines.get(key).setAttribute('points', coords.join(' '));
    }
    levelLines.replaceChildren(...levels.map((level) => drawLevel(level, low, high, y)));
    marks.replaceChildren(
      ...shownFills.map((fill) => {
        const mark = node('circle', { class: `fill ${fill.side}`, 'data-order-id': fill.orderId, cx: x(Math.min(fill.ts, to)), cy: y(fill.price), r: 5 });
        const title = node('title');
        title.textContent = `Your ${fill.side} of ${fill.amount} at ${formatPrice(fill.price)}`;
        mark.append(title);
        return mark;
      }),
    );
  }

  return { show, addTick, setFills, setLevels };
}

/** One resting order's line, labelled on the right; beyond the scale it is pinned to the edge with an arrow. */
function drawLevel(level, low, high, y) {
  const beyond = level.price > high ? 'above' : level.price < low ? 'below' : null;
  const at = Number(y(Math.min(high, Math.max(low, level.price))));
  const group = node('g', { class: `level ${level.side}`, 'data-order-id': level.orderId, ...(beyond && { 'data-beyond': beyond }) });
  const line = node('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: at, y2: at });
  const text = node('text', { x: WIDTH - PAD.right - 4, y: beyond === 'above' ? at + 12 : at - 4, 'text-anchor': 'end' });
  text.textContent = `${beyond === 'above' ? '↑ ' : beyond === 'below' ? '↓ ' : ''}${level.label}`;
  const title = node('title');
  title.textContent = `Your resting ${level.label}${beyond ? ` (${beyond} the chart)` : ''}`;
  group.append(title, line, text);
  return group;
}
