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
