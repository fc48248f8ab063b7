import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { createDexClient, type OrderUpdate } from '../../web/dex-client.js';
import { checkServerMessage } from '../helpers/protocol-contract.js';
import { startSplitDeployment } from '../helpers/split-deployment.js';

describe('the client module when its gateway process is killed mid-order', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('reconnects to another gateway by itself and resumes the order: every update once, in seq order, to the end', async () => {
    const { gateway: first, anotherGateway } = await startSplitDeployment('client-resume', cleanups);

    // Where the client connects: the gateway that is up (as a balancer in front of them would choose).
    let port = first.port;
    const states: string[] = [];
    const client = createDexClient({
      url: () => `ws://127.0.0.1:${port}/ws`,
      WebSocket,
      backoff: { minMs: 100, maxMs: 500 },
      on: { state: (state) => states.push(state.name), message: checkServerMessage, update: checkServerMessage },
    });
    try {
      const handle = await client.submit({ type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '2', slippageBps: 300 });
      const updates: OrderUpdate[] = [];
      const all = (async () => {
        for await (const update of handle.updates()) updates.push(update);
      })();
      await expect.poll(() => updates.some((update) => update.status === 'routing'), { timeout: 10_000 }).toBe(true);
      expect(await first.stop('SIGKILL')).toBe(null); // killed, no goodbye
      const second = await anotherGateway();
      port = second.port;
      await all;
      expect(updates.map((update) => update.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(updates.map((update) => update.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
      expect(states).toContain('offline');
    } finally {
      client.close();
    }
  });
});
