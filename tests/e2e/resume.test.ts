import { afterAll, describe, expect, it } from 'vitest';
import { startSplitDeployment } from '../helpers/split-deployment.js';
import { connectClient } from '../helpers/ws-client.js';

describe('resume after the gateway process is killed mid-order', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('delivers every missed event exactly once, in seq order, to a client that resubscribes on a new gateway', async () => {
    const { gateway: first, anotherGateway } = await startSplitDeployment('resume', cleanups);

    const client = await connectClient(`ws://127.0.0.1:${first.port}/ws`);
    client.send({ op: 'submit', reqId: 'resume', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '2', slippageBps: 300 });
    const ack = await client.waitFor((m) => m.type === 'ack');
    await client.waitFor((m) => m.orderId === ack.orderId && m.status === 'routing');
    const seenBefore = client.updatesOf(ack.orderId as string);
    const lastSeq = seenBefore.at(-1)!.seq as number;
    expect(await first.stop('SIGKILL')).toBe(null); // killed, no goodbye
    await client.closed;

    const second = await anotherGateway();
    const again = await connectClient(`ws://127.0.0.1:${second.port}/ws`);
    again.send({ op: 'subscribe', reqId: 'sub', orderId: ack.orderId, fromSeq: lastSeq });
    expect(await again.waitFor((m) => m.reqId === 'sub')).toMatchObject({ type: 'subscribed', fromSeq: lastSeq });
    const after = await again.settle(ack.orderId as string, 30_000);
    const all = [...seenBefore, ...after];
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all.map((m) => m.status)).toEqual(['pending', 'routing', 'building', 'submitted', 'confirmed']);
    await again.close();
  });
});
