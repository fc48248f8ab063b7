import { describe, expect, it } from 'vitest';
import { buildingEvent, cancelledEvent, confirmedEvent, failedEvent, failureMessage, routingEvent, submittedEvent } from '../../../src/orders/order-events.js';
import { findPair } from '../../../src/venues/pairs.js';
import type { Quote, Route } from '../../../src/venues/types.js';

const pair = findPair('SOL/USDC')!; // SOL has 9 decimals, USDC 6
const buy: Quote = { dex: 'raydium', pair: 'SOL/USDC', side: 'buy', amountIn: 301.1234567, amountOut: 2, price: 150.56172835, fee: 0.75, feeBps: 25.004, priceImpactBps: 3.333 };
const sell: Quote = { ...buy, dex: 'meteora', side: 'sell', amountIn: 2, amountOut: 299.5 };

/** The route of a whole order on one venue. */
function single(quote: Quote): Route {
  const { amountIn, amountOut, fee, price } = quote;
  const amount = quote.side === 'buy' ? amountOut : amountIn;
  return { kind: quote.dex, pair: quote.pair, side: quote.side, amount, legs: [{ dex: quote.dex, amount, quote }], amountIn, amountOut, fee, price };
}

describe('order event builders', () => {
  it('builds the routing, submitted and cancelled events with exactly the fields the protocol names', () => {
    expect(routingEvent('o1', 5)).toEqual({ type: 'order', orderId: 'o1', status: 'routing', ts: 5 });
    expect(submittedEvent('o1', { dex: 'meteora', txHash: 'Sig1' }, 6)).toEqual({ type: 'order', orderId: 'o1', status: 'submitted', dex: 'meteora', txHash: 'Sig1', ts: 6 });
    expect(cancelledEvent('o1', 'cancelled by the client', 7)).toEqual({ type: 'order', orderId: 'o1', status: 'cancelled', reason: 'cancelled by the client', ts: 7 });
  });

  it('puts the chosen venue, every quote and the limit on the building event in wire decimals', () => {
    const event = buildingEvent({ id: 'o1', side: 'buy' }, { best: buy, route: single(buy), quotes: [buy, sell], reason: 'cheaper' }, { side: 'buy', maxAmountIn: 304.2 }, pair, 8);
    expect(event).toMatchObject({ status: 'building', dex: 'raydium', side: 'buy', reason: 'cheaper', limit: { maxAmountIn: '304.200000' }, ts: 8 });
    expect(event.quotes).toHaveLength(2);
    // A buy pays QUOTE (6 decimals) for BASE (9 decimals); a sell the reverse.
    expect(event.quotes[0]).toMatchObject({ dex: 'raydium', amountIn: '301.123457', amountOut: '2.000000000', feeBps: 25 });
    expect(event.quotes[1]).toMatchObject({ dex: 'meteora', amountIn: '2.000000000', amountOut: '299.500000' });
    expect(buildingEvent({ id: 'o1', side: 'sell' }, { best: sell, route: single(sell), quotes: [sell], reason: '' }, { side: 'sell', minAmountOut: 297 }, pair, 8).limit).toEqual({
      minAmountOut: '297.000000',
    });
  });

  it('formats the fill of a confirmed event by side: amounts in their tokens, price and fee in QUOTE', () => {
    expect(confirmedEvent('o1', 'Sig1', buy, pair, 9)).toEqual({
      type: 'order',
      orderId: 'o1',
      status: 'confirmed',
      dex: 'raydium',
      txHash: 'Sig1',
      executedPrice: '150.561728',
      amountIn: '301.123457',
      amountOut: '2.000000000',
      fee: '0.750000',
      ts: 9,
    });
    expect(confirmedEvent('o1', 'Sig1', sell, pair, 9)).toMatchObject({ amountIn: '2.000000000', amountOut: '299.500000' });
  });

  it('names venue and signature on a failed event only when the order has them, and defaults the message to the catalogue', () => {
    expect(failedEvent('o1', { code: 'QUEUE_UNAVAILABLE', attempts: 0 }, 10)).toEqual({
      type: 'order',
      orderId: 'o1',
      status: 'failed',
      error: { code: 'QUEUE_UNAVAILABLE', message: 'the order could not be queued' },
      attempts: 0,
      ts: 10,
    });
    const early = failedEvent('o1', { code: 'INSUFFICIENT_LIQUIDITY', message: 'thin', attempts: 1, dex: null, txHash: null }, 10);
    expect(early).not.toHaveProperty('dex');
    expect(early).not.toHaveProperty('txHash');
    expect(early.error).toEqual({ code: 'INSUFFICIENT_LIQUIDITY', message: 'thin' });
    expect(failedEvent('o1', { code: 'EXECUTION_FAILED', attempts: 3, dex: 'raydium', txHash: 'Sig1' }, 10)).toMatchObject({ dex: 'raydium', txHash: 'Sig1', attempts: 3 });
  });

  it('words a failure as the catalogue message followed by what happened', () => {
    expect(failureMessage('EXECUTION_FAILED', 'the transaction expired without landing')).toBe(
      'the transaction could not be submitted after every attempt: the transaction expired without landing',
    );
  });
});
