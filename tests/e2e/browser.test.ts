import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestEngine, type TestEngine } from '../helpers/test-engine.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

/** What the page's own globals look like from inside page.evaluate (this file is compiled without DOM types). */
interface PageGlobals {
  dexEngine: { submitUnchecked(fields: object): Promise<unknown>; dropConnection(): void };
  document: { documentElement: { scrollWidth: number } };
}
// Debian's chromium; these flags keep it off the (closed) network and quiet as root in CI.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

describe('the trading page in a real browser', () => {
  let app: TestEngine;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startTestEngine({ env: { MOCK_QUOTE_LATENCY_MS: '100-200', MOCK_EXEC_LATENCY_MS: '800-1200' } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${app.httpUrl}/?key=${app.account.key}`);
    await page.locator('#connection[data-state="connected"]').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const rows = () => page.getByRole('table', { name: 'Orders' }).locator('tbody tr');
  const terminalRows = () => page.locator('tbody tr[data-status="confirmed"], tbody tr[data-status="failed"]');
  const chart = () => page.getByRole('img', { name: /^Price chart for SOL\/USDC/ });
  const pointCount = (series: string) => chart().locator(`polyline[data-series="${series}"]`).evaluate((line) => (line.getAttribute('points') ?? '').split(' ').filter(Boolean).length);
  const quote = () => page.getByRole('status', { name: 'Pre-trade quote' });

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
    await expect.poll(() => page.getByLabel('Pair').locator('option').allTextContents()).toEqual(['SOL/USDC', 'SOL/USDT', 'JUP/USDC', 'RAY/USDC']);
    for (const label of ['Amount (SOL)', 'Max slippage', 'Buy', 'Sell']) expect(await page.getByLabel(label).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Place order' }).isEnabled()).toBe(true);
  });

  it('draws a live price chart of the selected pair, a line per series growing with each tick, named for assistive technology', async () => {
    await page.getByLabel('Pair').selectOption('SOL/USDC');
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
    await page.getByLabel('Pair').selectOption('JUP/USDC');
    await page.getByRole('img', { name: /^Price chart for JUP\/USDC/ }).waitFor();
    await expect.poll(() => page.getByRole('img', { name: /^Price chart for JUP\/USDC, last 3 minutes/ }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Pair').selectOption('SOL/USDC');
    await expect.poll(() => pointCount('reference'), { timeout: 10_000 }).toBeGreaterThan(1);
  });

  it('shows a live quote from both venues and the best while the amount is typed', async () => {
    await page.getByLabel('Pair').selectOption('SOL/USDC');
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
    await page.getByLabel('Pair').selectOption('SOL/USDC');
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
    await page.getByLabel('Pair').selectOption('SOL/USDC');
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
    expect(await rows().first().locator('.quotes li').count()).toBe(2);
    expect(await rows().first().locator('.track .took').first().textContent()).toMatch(/ms|s$/);
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
