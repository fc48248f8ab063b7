import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../../src/protocol/decode.js';

const decode = (message: object) => decodeClientMessage(JSON.stringify(message));
const errorOf = (message: object) => {
  const result = decode(message);
  if (result.ok) throw new Error(`expected a refusal of ${JSON.stringify(message)}`);
  return result.error;
};
const FUTURE = 2_000_000_000_000;

describe('submit of every order type', () => {
  it('takes a limit order with GTC by default, and fills in the deadline', () => {
    const result = decode({ op: 'submit', type: 'limit', side: 'buy', pair: 'SOL/USDC', amount: '1', limitPrice: '139.5' });
    expect(result).toEqual({
      ok: true,
      message: { op: 'submit', type: 'limit', side: 'buy', pair: 'SOL/USDC', amount: '1', limitPrice: '139.5', timeInForce: 'GTC', deadlineMs: 10_000 },
    });
  });

  it('requires expireAt with GTD, and refuses it with GTC or IOC', () => {
    const limit = { op: 'submit', type: 'limit', side: 'sell', pair: 'SOL/USDC', amount: '1', limitPrice: '150' };
    expect(decode({ ...limit, timeInForce: 'GTD', expireAt: FUTURE }).ok).toBe(true);
    expect(errorOf({ ...limit, timeInForce: 'GTD' }).field).toBe('expireAt');
    expect(errorOf({ ...limit, timeInForce: 'IOC', expireAt: FUTURE }).field).toBe('expireAt');
    expect(errorOf({ ...limit, expireAt: FUTURE }).field).toBe('expireAt');
    expect(errorOf({ ...limit, timeInForce: 'FOK' }).field).toBe('timeInForce');
    expect(errorOf({ ...limit, timeInForce: 'GTD', expireAt: 1_700_000 }).field).toBe('expireAt');
  });

  it('takes a stop with its direction, and refuses IOC and a missing trigger', () => {
    const stop = { op: 'submit', type: 'stop', side: 'sell', pair: 'SOL/USDC', amount: '2', triggerPrice: '120', trigger: 'below' };
    const result = decode(stop);
    expect(result.ok && result.message).toMatchObject({ type: 'stop', trigger: 'below', slippageBps: 50, timeInForce: 'GTC' });
    expect(errorOf({ ...stop, trigger: 'sideways' }).field).toBe('trigger');
    expect(errorOf({ ...stop, timeInForce: 'IOC' }).field).toBe('timeInForce');
    expect(errorOf({ ...stop, limitPrice: '1' }).field).toBe('limitPrice');
    const { trigger: _, ...noTrigger } = stop;
    expect(errorOf(noTrigger).field).toBe('trigger');
  });

  it('takes a sniper that buys with spend and maxPrice, and refuses a sniper sell', () => {
    const sniper = { op: 'submit', type: 'sniper', side: 'buy', pair: 'NEW/USDC', spend: '100', maxPrice: '0.03' };
    expect(decode(sniper).ok).toBe(true);
    expect(decode({ ...sniper, expireAt: FUTURE }).ok).toBe(true);
    expect(errorOf({ ...sniper, side: 'sell' }).field).toBe('side');
    expect(errorOf({ ...sniper, amount: '1' }).field).toBe('amount');
    expect(errorOf({ ...sniper, maxPrice: '-1' }).field).toBe('maxPrice');
  });

  it('names the allowed types when the type is unknown', () => {
    const error = errorOf({ op: 'submit', type: 'twap', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    expect(error).toMatchObject({ code: 'INVALID_ORDER', field: 'type' });
    expect(error.message).toContain('"market", "limit", "stop", "sniper"');
  });
});

describe('amend', () => {
  const id = '7f1c1c3e-5b4a-4c1e-9f6e-2a9a0c3f4b5d';
  it('takes new terms for an order named by either id', () => {
    expect(decode({ op: 'amend', orderId: id, limitPrice: '130' }).ok).toBe(true);
    expect(decode({ op: 'amend', clientOrderId: 'ladder-1', amount: '2', expireAt: FUTURE }).ok).toBe(true);
  });

  it('refuses an amend without terms, without an order, or with both ids', () => {
    expect(errorOf({ op: 'amend', orderId: id }).message).toContain('at least one of');
    expect(errorOf({ op: 'amend', limitPrice: '1' }).field).toBe('orderId');
    expect(errorOf({ op: 'amend', orderId: id, clientOrderId: 'x', limitPrice: '1' }).field).toBe('orderId');
    expect(errorOf({ op: 'amend', orderId: id, slippageBps: 10 }).field).toBe('slippageBps');
  });
});
