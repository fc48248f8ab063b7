import { describe, expect, it } from 'vitest';
import { useEngine, type EngineFixture } from '../helpers/engine-fixture.js';
import { ask, type Client, type Message } from '../helpers/ws-client.js';

const SLOT_MS = 100;

interface WireQuote {
  dex: string;
  price: string;
  amountIn: string;
  amountOut: string;
  fee: string;
  feeBps: number;
  priceImpactBps: number;
}
interface Ticker {
  type: 'ticker';
  pair: string;
  slot: number;
  ts: number;
  reference: string;
  venues: Array<{ dex: string; mid: string; liquidity: string }>;
}

const ticksOf = (client: Client, pair = 'SOL/USDC') => client.messages.filter((m): m is Message & Ticker => m.type === 'ticker' && m.pair === pair);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DECIMAL = /^\d+\.\d+$/;

/** Every text frame a socket receives, exactly as it came off the wire. */
function rawFrames(client: Client): string[] {
  const frames: string[] = [];
  client.socket.on('message', (data) => frames.push(data.toString()));
  return frames;
}

describe('market data on the socket', () => {
  let fixture: EngineFixture;
  let client: Client;
  // Short slots keep the ticker tests quick; the chain runs in-process (ROLE=all).
  useEngine({ env: { CHAIN_SLOT_MS: String(SLOT_MS) } }, async (opened) => {
    fixture = opened;
    client = opened.client;
    // The first slot has to reach the gateway before a quote can be answered.
    for (const deadline = Date.now() + 15_000; ; await sleep(SLOT_MS)) {
      const reply = await ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '1' });
      if (reply.type === 'quote') break;
      if (Date.now() > deadline) throw new Error(`market data never became ready: ${JSON.stringify(reply)}`);
    }
  });

  it('says in pairs that every pair is live, and hello still names them', async () => {
    const reply = await ask(client, { op: 'pairs' });
    const pairs = reply.pairs as Array<{ symbol: string; live: boolean; venues: string[] }>;
    expect(pairs.map((pair) => [pair.symbol, pair.live])).toEqual([
      ['SOL/USDC', true],
      ['SOL/USDT', true],
      ['JUP/USDC', true],
      ['RAY/USDC', true],
    ]);
    expect(pairs[0]).toEqual({ symbol: 'SOL/USDC', base: { symbol: 'SOL', decimals: 9 }, quote: { symbol: 'USDC', decimals: 6 }, venues: ['raydium', 'meteora'], live: true });
    expect(client.messages[0]).toMatchObject({ type: 'hello', protocol: 1, pairs: ['SOL/USDC', 'SOL/USDT', 'JUP/USDC', 'RAY/USDC'] });
  });

  describe('quote', () => {
    it("quotes both venues from the pools of a slot, consistent with that slot's ticker, and creates no order", async () => {
      const watcher = await fixture.connect();
      expect(await ask(watcher, { op: 'subscribe', channel: 'ticker', pair: 'SOL/USDC' })).toMatchObject({ type: 'subscribed' });
      await watcher.waitFor((m) => m.type === 'ticker');
      const reply = await ask(watcher, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: 1 });
      expect(reply).toMatchObject({ type: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '1', best: expect.stringMatching(/^(raydium|meteora)$/) });
      expect(Number.isInteger(reply.slot)).toBe(true);
      expect(reply.ts).toBeGreaterThan(0);
      const quotes = reply.quotes as WireQuote[];
      expect(quotes.map((quote) => quote.dex)).toEqual(['raydium', 'meteora']);
      for (const quote of quotes) {
        expect(quote).toEqual({
          dex: quote.dex,
          price: expect.stringMatching(DECIMAL),
          amountIn: expect.stringMatching(/^\d+\.\d{6}$/),
          amountOut: '1.000000000',
          fee: expect.stringMatching(/^\d+\.\d{6}$/),
          feeBps: expect.any(Number),
          priceImpactBps: expect.any(Number),
        });
      }
      const best = quotes.find((quote) => quote.dex === reply.best)!;
      expect(Number(best.price)).toBe(Math.min(...quotes.map((quote) => Number(quote.price))));
      expect(reply.route).toEqual([{ dex: reply.best, amount: '1.000000000', amountIn: best.amountIn }]);

      // The slot quoted is one the ticker published: a buy pays the venue's mid plus its fee and impact.
      const tick = (await watcher.waitFor((m) => m.type === 'ticker' && m.slot === reply.slot, 5_000)) as unknown as Ticker;
      for (const quote of quotes) {
        const mid = Number(tick.venues.find((venue) => venue.dex === quote.dex)!.mid);
        const expected = mid * (1 + (quote.feeBps + quote.priceImpactBps) / 10_000);
        expect(Math.abs(Number(quote.price) / expected - 1)).toBeLessThan(2e-4);
      }
      expect((await ask(watcher, { op: 'list' })).orders).toEqual([]);
    });

    it('shows a split route for a large buy: a leg per venue, paying less in all than either venue alone', async () => {
      const reply = await ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '5000' });
      expect(reply).toMatchObject({ type: 'quote', best: 'split' });
      const route = reply.route as Array<{ dex: string; amount: string; amountIn: string }>;
      expect(route.map((leg) => leg.dex)).toEqual(['raydium', 'meteora']);
      expect(route.reduce((sum, leg) => sum + Number(leg.amount), 0)).toBeCloseTo(5000, 6);
      const paid = route.reduce((sum, leg) => sum + Number(leg.amountIn), 0);
      for (const quote of reply.quotes as WireQuote[]) expect(paid).toBeLessThan(Number(quote.amountIn));
    });

    it('shows a sell route leg with the QUOTE it returns', async () => {
      const reply = await ask(client, { op: 'quote', reqId: 'ignored', pair: 'JUP/USDC', side: 'sell', amount: '250.5' });
      expect(reply).toMatchObject({ type: 'quote', pair: 'JUP/USDC', side: 'sell', amount: '250.5' });
      const route = reply.route as Array<{ dex: string; amount: string; amountOut: string }>;
      expect(route.map((leg) => Object.keys(leg))).toEqual(route.map(() => ['dex', 'amount', 'amountOut']));
      expect(route.reduce((sum, leg) => sum + Number(leg.amount), 0)).toBeCloseTo(250.5, 6);
      for (const leg of route) expect(leg.amountOut).toMatch(/^\d+\.\d{6}$/);
    });

    it('answers INSUFFICIENT_LIQUIDITY for a size no venue can fill, UNKNOWN_PAIR for a pair not traded, and names the field', async () => {
      expect(await ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '900000000000000' })).toMatchObject({
        type: 'error',
        code: 'INSUFFICIENT_LIQUIDITY',
        field: 'amount',
        retryable: false,
      });
      expect(await ask(client, { op: 'quote', pair: 'DOGE/USDC', side: 'buy', amount: '1' })).toMatchObject({ type: 'error', code: 'UNKNOWN_PAIR', field: 'pair' });
      expect(await ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy', amount: '1.0000000001' })).toMatchObject({
        type: 'error',
        code: 'INVALID_MESSAGE',
        field: 'amount',
        message: 'amount: SOL has at most 9 decimals',
      });
      expect(await ask(client, { op: 'quote', pair: 'SOL/USDC', side: 'buy' })).toMatchObject({ code: 'INVALID_MESSAGE', field: 'amount', message: 'amount: is required' });
    });
  });

  describe('ticker', () => {
    it('streams the pair it was asked for, once per slot with increasing slots, until unsubscribed', async () => {
      const socket = await fixture.connect();
      expect(await ask(socket, { op: 'subscribe', channel: 'ticker', pair: 'SOL/USDC' })).toMatchObject({ type: 'subscribed', channel: 'ticker', pair: 'SOL/USDC' });
      await expect.poll(() => ticksOf(socket).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);

      const ticks = ticksOf(socket);
      const slots = ticks.map((tick) => tick.slot);
      for (let i = 1; i < slots.length; i++) expect(slots[i]).toBeGreaterThan(slots[i - 1]!);
      expect(socket.messages.filter((m) => m.type === 'ticker' && m.pair !== 'SOL/USDC')).toEqual([]);
      expect(ticks[0]).toEqual({
        type: 'ticker',
        pair: 'SOL/USDC',
        slot: expect.any(Number),
        ts: expect.any(Number),
        reference: expect.stringMatching(DECIMAL),
        venues: [
          { dex: 'raydium', mid: expect.stringMatching(DECIMAL), liquidity: expect.stringMatching(/^\d+\.\d{6}$/) },
          { dex: 'meteora', mid: expect.stringMatching(DECIMAL), liquidity: expect.stringMatching(/^\d+\.\d{6}$/) },
        ],
      });
      // The subscribe's reply came before the first tick.
      expect(socket.messages.findIndex((m) => m.type === 'subscribed')).toBeLessThan(socket.messages.findIndex((m) => m.type === 'ticker'));

      expect(await ask(socket, { op: 'unsubscribe', channel: 'ticker', pair: 'SOL/USDC' })).toMatchObject({ type: 'unsubscribed', channel: 'ticker', pair: 'SOL/USDC' });
      const stoppedAt = socket.messages.length;
      await sleep(SLOT_MS * 6);
      expect(socket.messages.slice(stoppedAt).filter((m) => m.type === 'ticker')).toEqual([]);
    });

    it('refuses a pair not traded here and an unknown channel, naming the field', async () => {
      expect(await ask(client, { op: 'subscribe', channel: 'ticker', pair: 'DOGE/USDC' })).toMatchObject({ type: 'error', code: 'UNKNOWN_PAIR', field: 'pair' });
      expect(await ask(client, { op: 'subscribe', channel: 'candles', pair: 'SOL/USDC' })).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE', field: 'channel' });
      expect(await ask(client, { op: 'unsubscribe', pair: 'SOL/USDC' })).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE', field: 'channel' });
    });

    it('sends 200 sockets on one pair the same tick text, once each', async () => {
      const sockets = await Promise.all(Array.from({ length: 200 }, () => fixture.connect()));
      const frames = sockets.map(rawFrames);
      await Promise.all(sockets.map((socket) => ask(socket, { op: 'subscribe', channel: 'ticker', pair: 'RAY/USDC' })));
      // A tick published while the last subscribes were landing may miss some sockets: compare a later slot.
      const first = await sockets[0]!.waitFor((m) => m.type === 'ticker');
      const slot = (first.slot as number) + 2;
      await Promise.all(sockets.map((socket) => socket.waitFor((m) => m.type === 'ticker' && m.slot === slot)));
      const texts = frames.map((received) => received.filter((text) => text.includes('"type":"ticker"') && JSON.parse(text).slot === slot));
      expect(texts.every((same) => same.length === 1)).toBe(true);
      expect(new Set(texts.map(([text]) => text)).size).toBe(1);
      for (const socket of sockets) {
        const slots = ticksOf(socket, 'RAY/USDC').map((tick) => tick.slot);
        expect(new Set(slots).size).toBe(slots.length);
      }
      await Promise.all(sockets.map((socket) => socket.close()));
    });

    it("ends a closed socket's subscription and keeps serving the others", async () => {
      const leaving = await fixture.connect();
      const staying = await fixture.connect();
      for (const socket of [leaving, staying]) await ask(socket, { op: 'subscribe', channel: 'ticker', pair: 'SOL/USDT' });
      await leaving.close();
      const seen = ticksOf(staying, 'SOL/USDT').length;
      await expect.poll(() => ticksOf(staying, 'SOL/USDT').length, { timeout: 5_000 }).toBeGreaterThan(seen + 2);
    });
  });
});
