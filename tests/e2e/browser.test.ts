import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestEngine, type TestEngine } from '../helpers/test-engine.js';
import { connectClient } from '../helpers/ws-client.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

/** What the page's own globals look like from inside page.evaluate (this file is compiled without DOM types). */
interface PageGlobals {
  dexEngine: { submitUnchecked(fields: object): Promise<unknown>; dropConnection(): void };
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
}
/** The little of the DOM the fit check reads. */
interface Box {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly tagName: string;
  readonly className: unknown;
  readonly textContent: string | null;
  readonly parentElement: Box;
  readonly dataset: Record<string, string | undefined>;
  querySelectorAll(selector: string): Iterable<Box>;
  closest(selector: string): Box | null;
}
// Debian's chromium; these flags keep it off the (closed) network and quiet as root in CI.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

let app: TestEngine;
let browser: Browser;

beforeAll(async () => {
  app = await startTestEngine({ env: { MOCK_QUOTE_LATENCY_MS: '100-200', MOCK_EXEC_LATENCY_MS: '800-1200' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/**
 * What does not fit in a table: the table wider than its scroll container, or any cell (or any box
 * inside one) whose content is wider than the cell, so part of it is cut or spills over. Empty: it all fits.
 */
function overflowOf(table: Locator): Promise<string[]> {
  return table.evaluate((element) => {
    const root = element as unknown as Box;
    const problems: string[] = [];
    const wrap = root.parentElement;
    if (root.scrollWidth > wrap.clientWidth) problems.push(`table ${root.scrollWidth} px in ${wrap.clientWidth} px`);
    if (wrap.scrollWidth > wrap.clientWidth) problems.push(`container scrolls: ${wrap.scrollWidth} px in ${wrap.clientWidth} px`);
    for (const box of root.querySelectorAll('th, td, td *')) {
      // A visually hidden text is 1 px wide on purpose; inline boxes have no client width to compare.
      if (box.closest('.visually-hidden') || box.clientWidth === 0) continue;
      if (box.scrollWidth > box.clientWidth) {
        const cell = box.closest('th, td');
        problems.push(`${cell?.dataset.cell ?? cell?.textContent ?? '?'} (${box.tagName.toLowerCase()}): ${box.scrollWidth} px in ${box.clientWidth} px`);
      }
    }
    return problems;
  });
}

describe('the trading page in a real browser', () => {
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${app.httpUrl}/?key=${app.account.key}`);
    await page.locator('#connection[data-state="connected"]').waitFor();
  });

  const rows = () => page.getByRole('table', { name: 'Orders', exact: true }).locator('tbody tr');
  const terminalRows = () => page.locator('tbody tr[data-status="confirmed"], tbody tr[data-status="failed"]');
  const chart = () => page.getByRole('img', { name: /^Price chart for SOL\/USDC/ });
  const pointCount = (series: string) => chart().locator(`polyline[data-series="${series}"]`).evaluate((line) => (line.getAttribute('points') ?? '').split(' ').filter(Boolean).length);
  const quote = () => page.getByRole('status', { name: 'Pre-trade quote' });
  // Exact: "New pair" (the sniper's) is a label too.
  const pairSelect = () => page.getByLabel('Pair', { exact: true });

  it('keeps the key from the address in the browser and takes it out of the address bar', async () => {
    expect(page.url()).toBe(`${app.httpUrl}/`);
    expect(await page.locator('#key-status').textContent()).toContain(app.account.key.slice(0, 16));
  });

  it('without a key, says the server refuses it and connects once a key is pasted', async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.goto(app.httpUrl);
      await fresh.locator('#key-panel[open]').waitFor({ timeout: 15_000 });
      expect(await fresh.locator('#connection').textContent()).toMatch(/API key/);
      await fresh.getByLabel('Paste an API key').fill(app.account.key);
      await fresh.getByRole('button', { name: 'Use key' }).click();
      await fresh.locator('#connection[data-state="connected"]').waitFor({ timeout: 15_000 });
    } finally {
      await fresh.close();
    }
  });

  it('loads the pairs from the server into a labelled form', async () => {
    await expect.poll(() => pairSelect().locator('option').allTextContents()).toEqual(['SOL/USDC', 'SOL/USDT', 'JUP/USDC', 'RAY/USDC']);
    for (const label of ['Amount (SOL)', 'Max slippage', 'Buy', 'Sell']) expect(await page.getByLabel(label).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Place order' }).isEnabled()).toBe(true);
  });

  it('draws a live price chart of the selected pair, a line per series growing with each tick, named for assistive technology', async () => {
    await pairSelect().selectOption('SOL/USDC');
    await expect.poll(() => chart().count()).toBe(1);
    expect(await chart().locator('polyline[data-series]').count()).toBe(3);
    await expect.poll(() => pointCount('reference'), { timeout: 10_000 }).toBeGreaterThan(1);
    const before = await pointCount('reference');
    await expect.poll(() => pointCount('reference'), { timeout: 10_000 }).toBeGreaterThan(before);
    for (const series of ['raydium', 'meteora']) expect(await pointCount(series)).toBeGreaterThan(1);
    expect(await chart().getAttribute('aria-label')).toMatch(/SOL\/USDC.*Reference [\d,.]+, Raydium [\d,.]+, Meteora [\d,.]+/);
    await expect.poll(() => page.locator('#chart-summary').textContent(), { timeout: 10_000 }).toMatch(/^SOL\/USDC over the last \d+ s: reference/);
  });

  it('follows the new pair when another is chosen', async () => {
    await pairSelect().selectOption('JUP/USDC');
    await page.getByRole('img', { name: /^Price chart for JUP\/USDC/ }).waitFor();
    await expect.poll(() => page.getByRole('img', { name: /^Price chart for JUP\/USDC, last 3 minutes/ }).count(), { timeout: 10_000 }).toBe(1);
    await pairSelect().selectOption('SOL/USDC');
    await expect.poll(() => pointCount('reference'), { timeout: 10_000 }).toBeGreaterThan(1);
  });

  it('shows a live quote from both venues and the best while the amount is typed', async () => {
    await pairSelect().selectOption('SOL/USDC');
    await page.getByLabel('Buy').check();
    await page.getByLabel('Amount (SOL)').fill('');
    await page.getByLabel('Amount (SOL)').pressSequentially('2.5');
    await expect.poll(() => quote().getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
    expect(await quote().textContent()).toContain('buy 2.5000 SOL');
    for (const dex of ['raydium', 'meteora']) expect(await quote().locator(`li[data-dex="${dex}"] .num`).textContent()).toMatch(/^[\d,]+\.\d+$/);
    expect(await quote().locator('.quote-best').textContent()).toMatch(/^Best: (Raydium|Meteora)$/);
    expect(await quote().locator('.quote-venues li.winner').count()).toBe(1);
  });

  it('shows a large amount split over both venues, and says calmly when no venue can fill a size', async () => {
    await page.getByLabel('Sell').check();
    await page.getByLabel('Amount (SOL)').fill('5000');
    await expect.poll(() => quote().locator('.quote-best').getAttribute('data-best'), { timeout: 10_000 }).toBe('split');
    const legs = await quote().locator('.legs li').allTextContents();
    expect(legs).toHaveLength(2);
    expect(legs[0]).toMatch(/^Raydium: [\d,.]+ SOL → [\d,.]+ USDC$/);
    expect(legs[1]).toMatch(/^Meteora: [\d,.]+ SOL → [\d,.]+ USDC$/);
    await page.getByLabel('Buy').check();
    await page.getByLabel('Amount (SOL)').fill('90000000');
    await expect.poll(() => quote().getAttribute('data-state'), { timeout: 10_000 }).toBe('error');
    expect(await quote().textContent()).toMatch(/No venue can fill this size/);
  });

  it('places an order through the form and shows it reach confirmed, with both quotes, the winning venue and a tx hash', async () => {
    await pairSelect().selectOption('SOL/USDC');
    await page.getByLabel('Sell').check();
    await page.getByLabel('Amount (SOL)').fill('2.5');
    await page.getByRole('button', { name: 'Place order' }).click();
    const row = rows().first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('confirmed');
    expect(await row.locator('[data-cell="side"]').textContent()).toBe('sell');
    expect(await row.locator('[data-cell="amount"]').textContent()).toBe('2.5000');
    const quotes = await row.locator('.quotes li').allTextContents();
    expect(quotes).toHaveLength(2);
    expect(quotes.filter((q) => q.includes('★'))).toHaveLength(1);
    expect(await row.locator('.hash').textContent()).toMatch(/^\w{4}…\w{4}$/);
    expect(Number((await row.locator('[data-cell="price"]').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await row.locator('.track li.reached').count()).toBe(5);
    expect(await page.locator('#announcer').textContent()).toMatch(/confirmed on (Raydium|Meteora)/);
  });

  it("marks the trader's confirmed fill on the chart", async () => {
    const orderId = await rows().first().getAttribute('data-order-id');
    await expect.poll(() => chart().locator(`circle.fill[data-order-id="${orderId}"]`).count(), { timeout: 10_000 }).toBe(1);
    expect(await chart().locator(`circle.fill[data-order-id="${orderId}"] title`).textContent()).toMatch(/^Your sell of 2.5 SOL at [\d,.]+$/);
  });

  it('fires five orders at once and shows five more rows reach a terminal status', async () => {
    const before = await terminalRows().count();
    await page.getByLabel('Amount (SOL)').fill('1');
    await page.getByRole('button', { name: 'Fire 5 orders' }).click();
    await expect.poll(() => rows().count()).toBe(before + 5);
    await expect.poll(() => terminalRows().count(), { timeout: 20_000 }).toBe(before + 5);
  });

  it('shows a bad amount next to the field, from the page and from the server, and sends nothing invalid', async () => {
    const count = await rows().count();
    await page.getByLabel('Amount (SOL)').fill('-3');
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await page.locator('#amount-error').textContent()).toMatch(/digits/);
    expect(await page.getByLabel('Amount (SOL)').getAttribute('aria-invalid')).toBe('true');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).dexEngine.submitUnchecked({ pair: 'SOL/USDC', side: 'buy', amount: '0.0000000001' }));
    await expect.poll(() => page.locator('#amount-error').textContent()).toMatch(/amount: .*decimals/);
    expect(await rows().count()).toBe(count);
  });

  it('shows why an order failed', async () => {
    await page.evaluate(() => (globalThis as unknown as PageGlobals).dexEngine.submitUnchecked({ pair: 'SOL/USDC', side: 'buy', amount: '90000000' }));
    const row = rows().first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    expect(await row.locator('.detail').textContent()).toMatch(/^INSUFFICIENT_LIQUIDITY: /);
    expect(await row.locator('.track li[data-step="done"]').textContent()).toContain('failed');
  });

  it('shows both legs of a split route in the blotter', async () => {
    await pairSelect().selectOption('SOL/USDC');
    await page.getByLabel('Sell').check();
    await page.getByLabel('Amount (SOL)').fill('5000');
    await page.getByRole('button', { name: 'Place order' }).click();
    const row = rows().first();
    await expect.poll(() => row.locator('[data-cell="amount"]').textContent()).toBe('5,000.0000');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toMatch(/confirmed|failed/);
    const legs = await row.locator('[data-cell="quotes"] .legs li').allTextContents();
    expect(legs).toHaveLength(2);
    expect(legs[0]).toMatch(/^Raydium: [\d,.]+ SOL/);
    expect(legs[1]).toMatch(/^Meteora: [\d,.]+ SOL/);
    expect(await row.locator('.quotes li.winner').count()).toBe(0);
  });

  it('reconnects by itself after the socket drops and keeps following an order that was in flight', async () => {
    await page.getByLabel('Amount (SOL)').fill('0.75');
    await page.getByRole('button', { name: 'Place order' }).click();
    const row = rows().first();
    await expect.poll(() => row.getAttribute('data-status')).toMatch(/routing|building|submitted/);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).dexEngine.dropConnection());
    await expect.poll(() => page.locator('#connection').getAttribute('data-state')).not.toBe('connected');
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 15_000 }).toBe('Connected');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('confirmed');
    expect(await row.locator('.track li.reached').count()).toBe(5);
    // The chart's ticker is followed again on the new socket.
    const before = await pointCount('reference');
    await expect.poll(() => pointCount('reference'), { timeout: 10_000 }).toBeGreaterThan(before);
  });

  it('loads the order history when the page opens', async () => {
    const count = await rows().count();
    await page.reload();
    await expect.poll(() => page.locator('#connection').textContent()).toBe('Connected');
    await expect.poll(() => rows().count()).toBe(count);
    await expect.poll(() => terminalRows().count()).toBe(count);
    // Rebuilt from the stored events: both quotes and the step times are back.
    // (The snapshot shows the row at once; its events are replayed just after.)
    await expect.poll(() => rows().first().locator('.quotes li').count()).toBe(2);
    await expect.poll(async () => (await rows().first().locator('.track .took').first().textContent()) ?? '').toMatch(/ms|s$/);
  });

  it('fits a 1280 px window: no table scrolls sideways and no cell cuts its content, the Tx hash shortened with the whole in its tooltip', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => rows().locator('.hash').count()).toBeGreaterThan(0);
    const hash = rows().locator('.hash').first();
    const [head, tail] = (await hash.textContent())!.split('…');
    const whole = (await hash.getAttribute('title'))!.replace(/ \(click to copy\)$/, '');
    expect(whole.length).toBeGreaterThan(8);
    expect(whole.startsWith(head!) && whole.endsWith(tail!)).toBe(true);
    for (const name of ['Orders', 'Open orders']) expect(await overflowOf(page.getByRole('table', { name, exact: true })), name).toEqual([]);
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const { documentElement } = (globalThis as unknown as PageGlobals).document;
      return { scrollWidth: documentElement.scrollWidth, clientWidth: documentElement.clientWidth };
    });
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'trading-page-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('fits a phone screen, and saves screenshots as test artefacts', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await expect.poll(() => pointCount('reference'), { timeout: 10_000 }).toBeGreaterThan(5);
    await expect.poll(() => quote().getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
    await page.screenshot({ path: join(ARTIFACTS, 'trading-page.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'trading-page-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});

describe('resting orders, Cancel all and the dead-man switch on the trading page', () => {
  let page: Page;
  const errors: string[] = [];
  /** Every message the page sent and received, parsed, in order. */
  const sent: Array<Record<string, unknown>> = [];
  const received: Array<Record<string, unknown>> = [];
  /** Orders whose events do not reach the page, as if it had not heard of them yet. */
  const held = new Set<string>();
  let account: Awaited<ReturnType<TestEngine['newKey']>>;

  beforeAll(async () => {
    // An account of its own: Cancel all and the switch act on every order of the account.
    account = await app.newKey('resting');
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => errors.push(err.message));
    // The page's socket goes through the test, which records both directions and can hold back an order's events.
    await page.routeWebSocket(/\/ws$/, (route) => {
      const server = route.connectToServer();
      route.onMessage((message) => {
        sent.push(JSON.parse(String(message)));
        server.send(message);
      });
      server.onMessage((message) => {
        const parsed = JSON.parse(String(message));
        received.push(parsed);
        if (parsed.type === 'order' && held.has(parsed.orderId)) return;
        route.send(message);
      });
    });
    await page.goto(`${app.httpUrl}/?key=${account.key}`);
    await page.locator('#connection[data-state="connected"]').waitFor();
    await page.getByLabel('Pair', { exact: true }).selectOption('SOL/USDC');
  });
  afterAll(async () => {
    await page?.close();
  });

  const openTable = () => page.getByRole('table', { name: 'Open orders', exact: true });
  const openRows = () => openTable().locator('tbody tr');
  const openRow = (orderId: string) => openTable().locator(`tbody tr[data-order-id="${orderId}"]`);
  const blotterRow = (orderId: string) => page.getByRole('table', { name: 'Orders', exact: true }).locator(`tbody tr[data-order-id="${orderId}"]`);
  const level = (orderId: string) => page.locator(`#price-chart g.level[data-order-id="${orderId}"]`);
  const typeSelect = () => page.getByLabel('Order type');
  const visible = (label: string | RegExp) => page.getByLabel(label, { exact: true }).isVisible();
  const replyTo = (reqId: unknown) => received.find((message) => message.reqId === reqId && message.type !== 'order');

  /** Places a limit order through the form and returns its id once its row is in Open orders. */
  async function placeLimit(side: 'Buy' | 'Sell', amount: string, limitPrice: string): Promise<string> {
    const before = new Set(await openRows().evaluateAll((list) => list.map((row) => (row as unknown as Box).dataset.orderId)));
    await typeSelect().selectOption('limit');
    await page.getByRole('radio', { name: side, exact: true }).check();
    await page.getByLabel('Amount (SOL)').fill(amount);
    await page.getByLabel('Limit price (USDC)').fill(limitPrice);
    await page.getByLabel('Time in force').selectOption('GTC');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => openRows().count(), { timeout: 10_000 }).toBe(before.size + 1);
    const ids = await openRows().evaluateAll((list) => list.map((row) => (row as unknown as Box).dataset.orderId));
    return ids.find((id) => !before.has(id))!;
  }

  it('shows the fields each order type takes, with the time in force it offers', async () => {
    await typeSelect().selectOption('market');
    for (const label of ['Pair', 'Amount (SOL)', 'Max slippage']) expect(await visible(label), label).toBe(true);
    for (const label of ['Limit price (USDC)', 'Trigger price (USDC)', 'Time in force', 'New pair', 'Spend (USDC)', 'Max price (USDC)']) expect(await visible(label), label).toBe(false);

    await typeSelect().selectOption('limit');
    for (const label of ['Pair', 'Amount (SOL)', 'Limit price (USDC)', 'Time in force']) expect(await visible(label), label).toBe(true);
    for (const label of ['Max slippage', 'Trigger price (USDC)', 'Max price (USDC)']) expect(await visible(label), label).toBe(false);
    expect(await page.getByRole('radio', { name: 'Sell', exact: true }).isVisible()).toBe(true);
    expect(await page.locator('#time-in-force option:not([disabled])').evaluateAll((list) => list.map((option) => (option as unknown as Box).textContent))).toEqual([
      'Until cancelled (GTC)',
      'Until a date (GTD)',
      'Now or never (IOC)',
    ]);
    expect(await page.getByLabel(/^Expires at/).isVisible()).toBe(false);
    await page.getByLabel('Time in force').selectOption('GTD');
    expect(await page.getByLabel(/^Expires at/).isVisible()).toBe(true);
    expect(await page.getByLabel(/^Expires at/).inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await page.getByLabel('Time in force').selectOption('GTC');
    expect(await page.getByLabel(/^Expires at/).isVisible()).toBe(false);

    await typeSelect().selectOption('stop');
    for (const label of ['Amount (SOL)', 'Trigger price (USDC)', 'Triggers when the price goes', 'Max slippage', 'Time in force']) expect(await visible(label), label).toBe(true);
    expect(await visible('Limit price (USDC)')).toBe(false);
    // A stop rests until it triggers: no "immediate or cancel".
    expect(await page.locator('#time-in-force option[value="IOC"]').isDisabled()).toBe(true);

    await typeSelect().selectOption('sniper');
    for (const label of ['New pair', 'Spend (USDC)', 'Max price (USDC)']) expect(await visible(label), label).toBe(true);
    expect(await page.getByLabel(/^Expires at/).isVisible()).toBe(true);
    for (const label of ['Pair', 'Amount (SOL)', 'Max slippage', 'Time in force']) expect(await visible(label), label).toBe(false);
    expect(await page.getByRole('radio', { name: 'Buy', exact: true }).isVisible()).toBe(false);
    // The unit follows the pair typed.
    await page.getByLabel('New pair').fill('NEW/USDT');
    expect(await visible('Spend (USDT)')).toBe(true);
    await page.getByLabel('New pair').fill('NEW/USDC');

    // The page's own checks: a limit without a price is not sent.
    await typeSelect().selectOption('limit');
    await page.getByLabel('Limit price (USDC)').fill('');
    const before = sent.length;
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await page.locator('#limit-price-error').textContent()).toBe('Enter a number.');
    expect(await page.getByLabel('Limit price (USDC)').getAttribute('aria-invalid')).toBe('true');
    expect(sent.slice(before).filter((message) => message.op === 'submit')).toEqual([]);
  });

  it('rests a limit far from the market in Open orders with a line on the chart, amends its price from the row, and cancels it from the row', async () => {
    // The chart draws lines once it has a scale, from the ticks.
    await expect.poll(() => page.locator('#price-chart polyline[data-series="reference"]').evaluate((line) => (line.getAttribute('points') ?? '').split(' ').filter(Boolean).length), { timeout: 10_000 }).toBeGreaterThan(1);
    const orderId = await placeLimit('Buy', '1', '1');
    const row = openRow(orderId);
    expect(await row.locator('[data-cell="type"]').textContent()).toBe('limit');
    expect(await row.locator('[data-cell="side"]').textContent()).toBe('buy');
    expect(await row.locator('[data-cell="amount"]').textContent()).toBe('1.0000');
    expect(await row.locator('[data-cell="price"]').textContent()).toBe('1.00000');
    expect(await row.locator('[data-cell="tif"]').textContent()).toBe('GTC');
    expect(await blotterRow(orderId).getAttribute('data-status')).toBe('open');
    expect(await blotterRow(orderId).locator('[data-cell="type"]').textContent()).toBe('limit');
    const submitted = sent.find((message) => message.op === 'submit' && message.type === 'limit');
    expect(submitted).toMatchObject({ type: 'limit', side: 'buy', pair: 'SOL/USDC', amount: '1', limitPrice: '1', timeInForce: 'GTC' });
    expect(submitted).not.toHaveProperty('expireAt');

    // Its line: far below the market, so pinned to the bottom edge, and marked as a buy.
    await expect.poll(() => level(orderId).count()).toBe(1);
    expect(await level(orderId).getAttribute('class')).toBe('level buy');
    expect(await level(orderId).getAttribute('data-beyond')).toBe('below');
    expect(await level(orderId).locator('text').textContent()).toBe('↓ buy limit 1.00000');

    // With a row (and then its editor) open, the table still fits 1280 px.
    expect(await overflowOf(openTable())).toEqual([]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'trading-page-open-orders-1280.png') });
    await row.getByRole('button', { name: 'Amend' }).click();
    expect(await row.getByLabel('New limit price').inputValue()).toBe('1');
    expect(await overflowOf(openTable())).toEqual([]);
    await row.getByLabel('New limit price').fill('2');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('[data-cell="price"]').textContent(), { timeout: 10_000 }).toBe('2.00000');
    const amend = sent.find((message) => message.op === 'amend');
    // Only the term that changed is sent.
    expect(amend).toEqual({ op: 'amend', orderId, limitPrice: '2', reqId: amend?.reqId });
    expect(replyTo(amend?.reqId)).toMatchObject({ type: 'amended', orderId });
    await expect.poll(() => level(orderId).locator('text').textContent()).toBe('↓ buy limit 2.00000');
    expect(await row.locator('.row-error').isVisible()).toBe(false);

    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => openRow(orderId).count()).toBe(0);
    expect(await level(orderId).count()).toBe(0);
    await expect.poll(() => blotterRow(orderId).getAttribute('data-status')).toBe('cancelled');
    expect(await page.locator('#open-empty').isVisible()).toBe(true);
  });

  it('Cancel all cancels every resting order, a buy and a sell, and takes their lines off the chart', async () => {
    const buy = await placeLimit('Buy', '1', '1.5');
    const sell = await placeLimit('Sell', '2', '100000');
    await expect.poll(() => level(sell).getAttribute('class')).toBe('level sell');
    expect(await level(sell).getAttribute('data-beyond')).toBe('above');
    expect(await level(buy).getAttribute('data-beyond')).toBe('below');

    await page.getByRole('button', { name: 'Cancel all' }).click();
    await expect.poll(() => page.locator('#open-status').textContent()).toBe('Cancelled 2 orders.');
    const reply = received.find((message) => message.type === 'cancelled_all');
    expect(reply).toMatchObject({ count: 2 });
    expect([...(reply!.orderIds as string[])].sort()).toEqual([buy, sell].sort());
    expect(await openRows().count()).toBe(0);
    expect(await page.locator('#price-chart g.level').count()).toBe(0);
    for (const orderId of [buy, sell]) await expect.poll(() => blotterRow(orderId).getAttribute('data-status')).toBe('cancelled');
  });

  it('places a stop and a sniper from the form, each resting with its own terms, the sniper for a pair that does not exist yet', async () => {
    await typeSelect().selectOption('stop');
    await page.getByRole('radio', { name: 'Sell', exact: true }).check();
    await page.getByLabel('Amount (SOL)').fill('1.5');
    await page.getByLabel('Trigger price (USDC)').fill('1');
    await page.getByLabel('Triggers when the price goes').selectOption('below');
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await sent.findLast((message) => message.op === 'submit')).toMatchObject({
      type: 'stop',
      side: 'sell',
      pair: 'SOL/USDC',
      amount: '1.5',
      triggerPrice: '1',
      trigger: 'below',
      slippageBps: 50,
      timeInForce: 'GTC',
    });
    await expect.poll(() => openRows().count(), { timeout: 10_000 }).toBe(1);
    const stop = openRows().first();
    expect(await stop.locator('[data-cell="type"]').textContent()).toBe('stop');
    expect(await stop.locator('[data-cell="price"]').textContent()).toBe('below 1.00000');
    const stopId = (await stop.getAttribute('data-order-id'))!;
    expect(await level(stopId).locator('text').textContent()).toBe('↓ sell stop below 1.00000');
    await stop.getByRole('button', { name: 'Amend' }).click();
    expect(await stop.getByLabel('New trigger price').inputValue()).toBe('1');
    await stop.getByRole('button', { name: 'Discard' }).click();

    await typeSelect().selectOption('sniper');
    await page.getByLabel('New pair').fill('ZZNEW/USDC');
    await page.getByLabel('Spend (USDC)').fill('25');
    await page.getByLabel('Max price (USDC)').fill('0.5');
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await sent.findLast((message) => message.op === 'submit')).toMatchObject({ type: 'sniper', side: 'buy', pair: 'ZZNEW/USDC', spend: '25', maxPrice: '0.5' });
    expect(sent.findLast((message) => message.op === 'submit')).not.toHaveProperty('expireAt');
    await expect.poll(() => openRows().count(), { timeout: 10_000 }).toBe(2);
    const sniper = openRows().first();
    expect(await sniper.locator('[data-cell="type"]').textContent()).toBe('sniper');
    expect(await sniper.locator('[data-cell="amount"]').textContent()).toBe('25.00 USDC');
    expect(await sniper.locator('[data-cell="price"]').textContent()).toBe('max 0.500000');
    expect(await sniper.locator('[data-cell="tif"]').textContent()).toBe('until launch');
    // A sniper's terms are fixed once placed: it can only be cancelled.
    expect(await sniper.getByRole('button', { name: 'Amend' }).count()).toBe(0);
    expect(await overflowOf(openTable())).toEqual([]);

    await page.getByRole('button', { name: 'Cancel all' }).click();
    await expect.poll(() => openRows().count()).toBe(0);
  });

  it("shows the server's NOT_AMENDABLE in the row when the order left open before the amend reached it, and drops the stale row on reconnect", async () => {
    const orderId = await placeLimit('Buy', '1', '1.25');
    held.add(orderId);
    // Cancelled by another session of the account; this page has not heard of it yet.
    const other = await connectClient(`${app.baseWsUrl}?key=${account.key}`);
    try {
      other.send({ op: 'cancel', reqId: 'elsewhere', orderId });
      expect(await other.waitFor((message) => message.reqId === 'elsewhere')).toMatchObject({ type: 'cancelled', orderId });
    } finally {
      other.socket.close();
    }
    const row = openRow(orderId);
    await row.getByRole('button', { name: 'Amend' }).click();
    await row.getByLabel('New limit price').fill('1.3');
    await row.getByLabel('New limit price').press('Enter');
    await expect.poll(() => row.getByRole('alert').textContent()).toMatch(/^Not amendable: only a resting \(open\) order can be amended.*cancelled/);
    // Still editing: the trader sees what they typed next to the reason.
    expect(await row.getByLabel('New limit price').inputValue()).toBe('1.3');
    expect(await overflowOf(openTable())).toEqual([]);

    held.delete(orderId);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).dexEngine.dropConnection());
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 15_000 }).toBe('Connected');
    await expect.poll(() => openRow(orderId).count()).toBe(0);
    await expect.poll(() => blotterRow(orderId).getAttribute('data-status')).toBe('cancelled');
    expect(await level(orderId).count()).toBe(0);
  });

  it('arms the dead-man switch from its toggle, shows when it would fire, keeps renewing it, and disarms it when turned off', async () => {
    const toggle = page.getByRole('switch', { name: 'Cancel my open orders if I disconnect' });
    const status = page.locator('#dead-man-status');
    expect(await status.textContent()).toBe('Off.');
    const before = Date.now();
    await toggle.check();
    await expect.poll(() => status.getAttribute('data-state')).toBe('armed');
    const arm = sent.find((message) => message.op === 'cancelAllAfter');
    expect(arm).toMatchObject({ timeoutMs: 15_000 });
    const armed = replyTo(arm?.reqId);
    expect(armed).toMatchObject({ type: 'cancel_all_after' });
    const triggerAt = Number(await status.getAttribute('data-trigger-at'));
    expect(triggerAt).toBe(armed?.triggerAt);
    expect(triggerAt).toBeGreaterThanOrEqual(before + 14_000);
    expect(await status.textContent()).toBe(`Armed until ${new Date(triggerAt).toLocaleTimeString('en-GB', { hour12: false })}, renewed every 5 s.`);

    // Renewed while the page is open: the server moves the time on.
    await expect.poll(async () => Number(await status.getAttribute('data-trigger-at')), { timeout: 10_000 }).toBeGreaterThan(triggerAt);
    expect(sent.filter((message) => message.op === 'cancelAllAfter' && message.timeoutMs === 15_000).length).toBeGreaterThanOrEqual(2);

    await toggle.uncheck();
    await expect.poll(() => status.getAttribute('data-state')).toBe('off');
    const disarm = sent.findLast((message) => message.op === 'cancelAllAfter');
    expect(disarm).toMatchObject({ timeoutMs: 0 });
    expect(replyTo(disarm?.reqId)).toMatchObject({ type: 'cancel_all_after', triggerAt: 0 });
    // And no renewal follows.
    const sends = sent.filter((message) => message.op === 'cancelAllAfter').length;
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(sent.filter((message) => message.op === 'cancelAllAfter').length).toBe(sends);
    expect(errors).toEqual([]);
  });
});
