import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/embedded/free-port.js';
import { connectClient } from '../helpers/ws-client.js';
import { startTestEngine } from '../helpers/test-engine.js';

describe('health', () => {
  it('answers 503 naming Redis when Redis does not answer, and still shuts down within its deadline', async () => {
    const deadPort = await freePort();
    const app = await startTestEngine({ redisUrl: `redis://127.0.0.1:${deadPort}`, env: { ROLE: 'gateway' } });
    try {
      const response = await fetch(`${app.httpUrl}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', redis: 'down', postgres: 'up' });
    } finally {
      // Every close waits on the Redis that is down: the plan gives each its share and goes on.
      expect(await app.close(2_000)).toBeLessThan(2_000 + 500);
    }
  });

  it('shuts down in the order start-up mirrors: intake, drain, last events, sockets, each part, the chain after the drain, connections last', async () => {
    const app = await startTestEngine();
    try {
      const names = app.engine.shutdownPlan().map((step) => step.name);
      const at = (name: string) => {
        const index = names.indexOf(name);
        expect(index, `${name} in ${names.join(', ')}`).toBeGreaterThanOrEqual(0);
        return index;
      };
      expect(at('stop intake')).toBe(0);
      expect(at('drain workers and the submits in flight')).toBe(1);
      expect(at('deliver the last events')).toBeLessThan(at('close WebSockets (1001)'));
      expect(at('close WebSockets (1001)')).toBeLessThan(at('close the gateway queue and pool'));
      expect(at('stop producing slots')).toBeGreaterThan(at('drain workers and the submits in flight'));
      expect(names.slice(-2)).toEqual(['close Redis connections', 'close the PostgreSQL pool']);
    } finally {
      await app.close();
    }
  });

  it('refuses new orders with SHUTTING_DOWN once shutdown has begun', async () => {
    const app = await startTestEngine();
    const client = await connectClient(app.wsUrl);
    const closing = app.close();
    client.send({ op: 'submit', reqId: 'late', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1' });
    const reply = await Promise.race([
      client.waitFor((m) => m.reqId === 'late', 5_000),
      client.closed.then(() => ({ type: 'closed', code: 'CLOSED' })),
    ]);
    await closing;
    expect(reply.type === 'closed' || (reply.type === 'error' && reply.code === 'SHUTTING_DOWN')).toBe(true);
    expect(client.messages.some((m) => m.type === 'ack')).toBe(false);
  });
});
