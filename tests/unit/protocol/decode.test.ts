import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../../src/protocol/decode.js';

const submit = { op: 'submit', reqId: 'r1', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1.5' };
const decode = (value: unknown) => decodeClientMessage(typeof value === 'string' ? value : JSON.stringify(value));
const errorOf = (value: unknown) => {
  const result = decode(value);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(value)}`);
  return result.error;
};

describe('decodeClientMessage', () => {
  it('accepts a market order and defaults slippage to 50 bps and its deadline to 10 s', () => {
    expect(decode(submit)).toEqual({ ok: true, message: { ...submit, slippageBps: 50, deadlineMs: 10_000 } });
  });

  it('takes a deadline of 100 ms to 60 s in whole milliseconds, and names the field otherwise', () => {
    expect(decode({ ...submit, deadlineMs: 100 })).toMatchObject({ ok: true, message: { deadlineMs: 100 } });
    expect(decode({ ...submit, deadlineMs: 60_000 })).toMatchObject({ ok: true, message: { deadlineMs: 60_000 } });
    for (const bad of [99, 60_001, 1.5, '5000']) expect(decode({ ...submit, deadlineMs: bad })).toMatchObject({ ok: false, error: { field: 'deadlineMs' } });
  });

  it('accepts the amount as a number and keeps it as a decimal string', () => {
    expect(decode({ ...submit, amount: 2 })).toMatchObject({ ok: true, message: { amount: '2' } });
    expect(decode({ ...submit, amount: 0.25 })).toMatchObject({ ok: true, message: { amount: '0.25' } });
  });

  it.each([
    ['not json at all', 'BAD_JSON', undefined],
    ['{"op":"submit",', 'BAD_JSON', undefined],
    ['"a string"', 'INVALID_MESSAGE', undefined],
    ['null', 'INVALID_MESSAGE', undefined],
    ['[]', 'INVALID_MESSAGE', undefined],
    ['{}', 'INVALID_MESSAGE', 'op'],
    ['{"op":42}', 'INVALID_MESSAGE', 'op'],
    ['{"op":"cancelAllOrders"}', 'UNKNOWN_OP', 'op'],
  ])('refuses %s with %s', (text, code, field) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
  });

  it.each([
    [{ amount: '-1' }, 'amount'],
    [{ amount: '0' }, 'amount'],
    [{ amount: 0 }, 'amount'],
    [{ amount: '1e5' }, 'amount'],
    [{ amount: 1e308 }, 'amount'],
    [{ amount: 'NaN' }, 'amount'],
    [{ amount: '1.0000000000000000001' }, 'amount'],
    [{ amount: true }, 'amount'],
    [{ side: 'short' }, 'side'],
    [{ type: 'twap' }, 'type'],
    [{ type: 'limit' }, 'limitPrice'],
    [{ pair: 'sol-usdc' }, 'pair'],
    [{ slippageBps: 0 }, 'slippageBps'],
    [{ slippageBps: 5001 }, 'slippageBps'],
    [{ slippageBps: 1.5 }, 'slippageBps'],
    [{ clientOrderId: 'x'.repeat(65) }, 'clientOrderId'],
    [{ clientOrderId: 'has space' }, 'clientOrderId'],
    [{ reqId: '' }, 'reqId'],
    [{ reqId: 'a\u0000b' }, 'reqId'],
    [{ reqId: 'ünïcode' }, 'reqId'],
    [{ extra: 1 }, 'extra'],
    [{ ['__proto__']: { admin: true } }, '__proto__'],
  ])('refuses a submit with %j naming the field %s', (patch, field) => {
    const error = errorOf({ ...submit, ...patch });
    expect(error.code).toBe('INVALID_ORDER');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('names a missing field as required', () => {
    const { pair: _pair, ...withoutPair } = submit;
    expect(errorOf(withoutPair)).toMatchObject({ code: 'INVALID_ORDER', field: 'pair', message: 'pair: is required', reqId: 'r1' });
  });

  it('echoes the reqId of a bad message when it can read one', () => {
    expect(errorOf({ op: 'nope', reqId: 'abc' }).reqId).toBe('abc');
    expect(errorOf({ op: 'nope', reqId: 7 }).reqId).toBeUndefined();
  });

  it('does not let __proto__ in the JSON change any object', () => {
    const error = errorOf('{"op":"submit","__proto__":{"polluted":true}}');
    expect(error.code).toBe('INVALID_ORDER');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a ping', () => {
    expect(decode({ op: 'ping', reqId: 'p' })).toEqual({ ok: true, message: { op: 'ping', reqId: 'p' } });
  });

  it('names every op, the market-data ones included, when the op is unknown', () => {
    expect(errorOf({ op: 'quotes' }).message).toBe('unknown op "quotes"; expected one of submit, amend, cancel, cancelAll, cancelAllAfter, get, list, subscribe, unsubscribe, quote, pairs, ping');
  });

  it('takes cancelAllAfter of 0 (disarm) or 1 s to 24 h, and names the field otherwise', () => {
    for (const timeoutMs of [0, 1_000, 86_400_000]) expect(decode({ op: 'cancelAllAfter', timeoutMs })).toEqual({ ok: true, message: { op: 'cancelAllAfter', timeoutMs } });
    for (const timeoutMs of [999, 86_400_001, 1.5, -1, '5000']) expect(decode({ op: 'cancelAllAfter', timeoutMs })).toMatchObject({ ok: false, error: { field: 'timeoutMs' } });
    expect(decode({ op: 'cancelAllAfter' })).toMatchObject({ ok: false, error: { field: 'timeoutMs' } });
  });

  it('takes cancelAll with or without a pair, and names a malformed pair or an unknown field', () => {
    expect(decode({ op: 'cancelAll', reqId: 'a' })).toEqual({ ok: true, message: { op: 'cancelAll', reqId: 'a' } });
    expect(decode({ op: 'cancelAll', pair: 'SOL/USDC' })).toEqual({ ok: true, message: { op: 'cancelAll', pair: 'SOL/USDC' } });
    expect(decode({ op: 'cancelAll', pair: 'sol' })).toMatchObject({ ok: false, error: { field: 'pair' } });
    expect(decode({ op: 'cancelAll', side: 'buy' })).toMatchObject({ ok: false, error: { field: 'side' } });
  });

  describe('quote', () => {
    const quote = { op: 'quote', reqId: 'q1', pair: 'SOL/USDC', side: 'sell', amount: '2.5' };

    it('accepts a quote request, with or without a reqId', () => {
      expect(decode(quote)).toEqual({ ok: true, message: quote });
      const { reqId: _reqId, ...anonymous } = quote;
      expect(decode(anonymous)).toEqual({ ok: true, message: anonymous });
    });

    it("reads the amount like a submit's: a number becomes a decimal string, spaces are trimmed", () => {
      expect(decode({ ...quote, amount: 5000 })).toMatchObject({ ok: true, message: { amount: '5000' } });
      expect(decode({ ...quote, amount: 0.001 })).toMatchObject({ ok: true, message: { amount: '0.001' } });
      expect(decode({ ...quote, amount: ' 1.5 ' })).toMatchObject({ ok: true, message: { amount: '1.5' } });
    });

    it.each([
      [{ amount: '-1' }, 'amount', 'amount: must be a positive decimal such as "1.5" (no sign, no exponent, at most 18 decimals)'],
      [{ amount: '0' }, 'amount', 'amount: must be greater than zero'],
      [{ amount: '1e5' }, 'amount', 'amount: must be a positive decimal such as "1.5" (no sign, no exponent, at most 18 decimals)'],
      [{ amount: 1e308 }, 'amount', 'amount: must be a positive decimal such as "1.5" (no sign, no exponent, at most 18 decimals)'],
      [{ amount: true }, 'amount', 'amount: must be a positive decimal string or number'],
      [{ amount: undefined }, 'amount', 'amount: is required'],
      [{ side: 'short' }, 'side', 'side: must be "buy" or "sell"'],
      [{ side: undefined }, 'side', 'side: is required'],
      [{ pair: 'sol-usdc' }, 'pair', 'pair: must look like "SOL/USDC"'],
      [{ pair: 42 }, 'pair', 'pair: must be a string like "SOL/USDC"'],
      [{ pair: undefined }, 'pair', 'pair: is required'],
      [{ slippageBps: 50 }, 'slippageBps', 'slippageBps: unknown field (fields are checked strictly so a typo is never ignored)'],
      [{ type: 'market' }, 'type', 'type: unknown field (fields are checked strictly so a typo is never ignored)'],
    ])('refuses a quote with %j as INVALID_MESSAGE naming %s', (patch, field, message) => {
      expect(errorOf({ ...quote, ...patch })).toEqual({ code: 'INVALID_MESSAGE', message, field, reqId: 'q1' });
    });
  });

  describe('subscribe and unsubscribe', () => {
    const orderId = '11111111-1111-4111-8111-111111111111';
    const ticker = { op: 'subscribe', reqId: 't1', channel: 'ticker', pair: 'SOL/USDC' };
    const unsubscribe = { op: 'unsubscribe', reqId: 'u1', channel: 'ticker', pair: 'SOL/USDC' };
    const channelMessage = 'channel: must be "ticker" (or left out, with orderId, to follow an order)';

    it('still reads an order subscribe without a channel, fromSeq defaulting to 0', () => {
      expect(decode({ op: 'subscribe', orderId })).toEqual({ ok: true, message: { op: 'subscribe', orderId, fromSeq: 0 } });
      expect(decode({ op: 'subscribe', reqId: 's', orderId, fromSeq: 3 })).toEqual({ ok: true, message: { op: 'subscribe', reqId: 's', orderId, fromSeq: 3 } });
    });

    it('reads a ticker subscribe and an unsubscribe', () => {
      expect(decode(ticker)).toEqual({ ok: true, message: ticker });
      expect(decode(unsubscribe)).toEqual({ ok: true, message: unsubscribe });
    });

    it.each([
      [{ ...ticker, channel: 'candles' }, 'channel', channelMessage],
      [{ ...ticker, channel: null }, 'channel', channelMessage],
      [{ ...ticker, channel: 7 }, 'channel', channelMessage],
      [{ ...ticker, pair: undefined }, 'pair', 'pair: is required'],
      [{ ...ticker, pair: 'SOLUSDC' }, 'pair', 'pair: must look like "SOL/USDC"'],
      [{ ...ticker, orderId }, 'orderId', 'orderId: unknown field (fields are checked strictly so a typo is never ignored)'],
      [{ ...ticker, fromSeq: 1 }, 'fromSeq', 'fromSeq: unknown field (fields are checked strictly so a typo is never ignored)'],
      [{ op: 'subscribe', reqId: 't1', orderId, pair: 'SOL/USDC' }, 'pair', 'pair: unknown field (fields are checked strictly so a typo is never ignored)'],
      [{ op: 'subscribe', reqId: 't1' }, 'orderId', 'orderId: is required'],
      [{ ...unsubscribe, reqId: 't1', channel: undefined }, 'channel', 'channel: is required'],
      [{ ...unsubscribe, reqId: 't1', channel: 'orders' }, 'channel', 'channel: must be "ticker"'],
      [{ ...unsubscribe, reqId: 't1', pair: undefined }, 'pair', 'pair: is required'],
      [{ ...unsubscribe, reqId: 't1', pair: 'sol/usdc' }, 'pair', 'pair: must look like "SOL/USDC"'],
      [{ ...unsubscribe, reqId: 't1', orderId }, 'orderId', 'orderId: unknown field (fields are checked strictly so a typo is never ignored)'],
    ])('refuses %j as INVALID_MESSAGE naming %s', (message, field, text) => {
      expect(errorOf(message)).toEqual({ code: 'INVALID_MESSAGE', message: text, field, reqId: 't1' });
    });
  });
});
