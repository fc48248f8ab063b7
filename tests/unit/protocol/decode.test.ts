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
  it('accepts a market order and defaults slippage to 50 bps', () => {
    expect(decode(submit)).toEqual({ ok: true, message: { ...submit, slippageBps: 50 } });
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
    ['{"op":"cancelAll"}', 'UNKNOWN_OP', 'op'],
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
    [{ type: 'limit' }, 'type'],
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
});
