import WebSocket from 'ws';
import { checkServerMessage, contractViolations, matchingMessages } from './protocol-contract.js';

export type Message = Record<string, unknown> & { type: string };

/**
 * A real `ws` client that records every message and lets a test wait for one matching a
 * predicate (already received or still to come), with a bounded wait.
 */
export async function connectClient(url: string) {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  const waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  let closeInfo: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve((closeInfo = { code, reason: reason.toString() }))),
  );
  // Requests sent that the AsyncAPI document says are invalid: the server must refuse each of them.
  const outsideContract = new Set<string>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Message;
    checkServerMessage(message);
    if (typeof message.reqId === 'string' && outsideContract.has(message.reqId) && message.type !== 'error') {
      contractViolations.push(`the server accepted a request the document calls invalid: reply ${JSON.stringify(message).slice(0, 300)}`);
    }
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  const client = {
    socket,
    messages,
    closed,
    get closeInfo() {
      return closeInfo;
    },
    /** Sends a message (a string goes as it is: tests send broken frames on purpose), checking it against the document. */
    send(message: unknown): void {
      const text = typeof message === 'string' ? message : JSON.stringify(message);
      const payload = parseOrNull(text);
      const reqId = (payload as { reqId?: unknown } | null)?.reqId;
      if (typeof reqId === 'string' && matchingMessages('client', payload).length === 0) outsideContract.add(reqId);
      socket.send(text);
    },
    /** Resolves with the first message (past or future) that matches. */
    waitFor(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
      const seen = messages.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-5))}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (m: Message) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.push(waiter);
      });
    },
    /** Every update (ack and events) of one order, in arrival order. */
    updatesOf(orderId: string): Message[] {
      return messages.filter((m) => (m.type === 'ack' || m.type === 'order') && m.orderId === orderId);
    },
    /** Waits for the order's terminal event and returns all its updates. */
    async settle(orderId: string, timeoutMs = 20_000): Promise<Message[]> {
      await client.waitFor((m) => m.type === 'order' && m.orderId === orderId && ['confirmed', 'failed', 'cancelled', 'expired'].includes(m.status as string), timeoutMs);
      return client.updatesOf(orderId);
    },
    close(): Promise<unknown> {
      socket.close();
      return closed;
    },
  };
  return client;
}

export type Client = Awaited<ReturnType<typeof connectClient>>;

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

let requests = 0;

/** Sends a request with a fresh reqId and waits for its reply (not an order event). */
export async function ask(client: Client, message: Record<string, unknown>): Promise<Message> {
  const reqId = `ask-${++requests}`;
  client.send({ ...message, reqId });
  return client.waitFor((m) => m.reqId === reqId && m.type !== 'order');
}
