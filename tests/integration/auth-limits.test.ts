import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/accounts/api-key.js';
import { useEngine } from '../helpers/engine-fixture.js';
import { ask, connectClient, type Client } from '../helpers/ws-client.js';
import { ROOT, startTestEngine, type TestEngine } from '../helpers/test-engine.js';

const execute = promisify(execFile);
const market = { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC', amount: '1', slippageBps: 300 } as const;

/** The HTTP status a refused upgrade answered with, or 101 when the socket opened. */
function upgradeStatus(url: string, protocols?: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    socket.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

describe('API keys at the upgrade', () => {
  let app: TestEngine;
  beforeAll(async () => {
    app = await startTestEngine();
  });
  afterAll(async () => app?.close());

  it('refuses a missing, malformed, unknown or wrong key with 401 before a socket exists', async () => {
    const wrongSecret = app.account.key.slice(0, -4) + (app.account.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await upgradeStatus(app.baseWsUrl)).toBe(401);
    expect(await upgradeStatus(`${app.baseWsUrl}?key=nonsense`)).toBe(401);
    expect(await upgradeStatus(`${app.baseWsUrl}?key=dex_AAAAAAAAAAAA_${'A'.repeat(43)}`)).toBe(401);
    expect(await upgradeStatus(`${app.baseWsUrl}?key=${wrongSecret}`)).toBe(401);
  });

  it('accepts the key in the query or as the subprotocol, echoing the subprotocol', async () => {
    expect(await upgradeStatus(`${app.baseWsUrl}?key=${app.account.key}`)).toBe(101);
    const socket = new WebSocket(app.baseWsUrl, [app.account.key]);
    await new Promise((resolve, reject) => (socket.on('open', resolve), socket.on('error', reject)));
    expect(socket.protocol).toBe(app.account.key);
    socket.close();
  });

  it('creates and revokes keys with `npm run key`, printing the new key alone on the last line', async () => {
    const env = { ...process.env, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' };
    const created = await execute('npm', ['run', '--silent', 'key', '--', 'create', '--name', 'alice'], { cwd: ROOT, env });
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^dex_[\w-]{12}_[\w-]{43}$/);
    expect(await upgradeStatus(`${app.baseWsUrl}?key=${key}`)).toBe(101);

    const doomed = (await execute('npm', ['run', '--silent', 'key', '--', 'create', '--name', 'bob'], { cwd: ROOT, env })).stdout.trim().split('\n');
    const keyId = /^key id (\S+)$/m.exec(doomed.join('\n'))![1]!;
    const revoked = await execute('npm', ['run', '--silent', 'key', '--', 'revoke', keyId], { cwd: ROOT, env });
    expect(revoked.stdout).toContain(`revoked key ${keyId}`);
    expect(await upgradeStatus(`${app.baseWsUrl}?key=${doomed.at(-1)}`)).toBe(401);
    await expect(execute('npm', ['run', '--silent', 'key', '--', 'revoke', keyId], { cwd: ROOT, env })).rejects.toMatchObject({ code: 1 });
  });

  it('revokes a key whose id starts with `-` (as ids made before could), and never makes such an id', async () => {
    const env = { ...process.env, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' };
    const sql = postgres(app.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [account] = await sql<{ id: string }[]>`insert into accounts (id, name) values (gen_random_uuid(), 'dash') returning id`;
      await sql`insert into api_keys (id, account_id, name, secret_hash) values ('-J-Q4arzC-j0', ${account!.id}, 'dash', ${Buffer.alloc(32)})`;
      const revoked = await execute('npm', ['run', '--silent', 'key', '--', 'revoke', '-J-Q4arzC-j0'], { cwd: ROOT, env });
      expect(revoked.stdout).toContain('revoked key -J-Q4arzC-j0');
      const [row] = await sql<{ revoked: boolean }[]>`select revoked_at is not null as revoked from api_keys where id = '-J-Q4arzC-j0'`;
      expect(row!.revoked).toBe(true);
    } finally {
      await sql.end();
    }
    // One id in 64 would start with `-` if nothing prevented it: 2,000 ids miss that with odds of about 1 in 10^14.
    const ids = Array.from({ length: 2_000 }, () => generateApiKey().keyId);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
  });
});

describe('two accounts', () => {
  let app: TestEngine;
  let a: Client;
  let b: Client;
  useEngine({ env: { MOCK_EXEC_LATENCY_MS: '400' } }, async (fixture) => {
    ({ app, client: a } = fixture);
    const other = await app.newKey('b');
    b = await fixture.connect(`${app.baseWsUrl}?key=${other.key}`);
  });

  it("never lets B see, subscribe to, list or cancel A's orders: they are not found, like orders that do not exist", async () => {
    const ack = await ask(a, { ...market, clientOrderId: 'mine' });
    const orderId = ack.orderId as string;
    expect(await ask(b, { op: 'get', orderId })).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await ask(b, { op: 'get', clientOrderId: 'mine' })).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await ask(b, { op: 'subscribe', orderId })).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await ask(b, { op: 'cancel', orderId })).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const listed = await ask(b, { op: 'list', limit: 200 });
    expect((listed.orders as Array<{ orderId: string }>).map((o) => o.orderId)).not.toContain(orderId);
    expect(b.messages.some((m) => m.orderId === orderId)).toBe(false);
    expect((await a.settle(orderId)).at(-1)!.status).toBe('confirmed'); // B's cancel did nothing
  });

  it("gives B its own order when B reuses A's clientOrderId", async () => {
    const fromA = await ask(a, { ...market, clientOrderId: 'shared-name' });
    const fromB = await ask(b, { ...market, clientOrderId: 'shared-name', side: 'sell' });
    expect(fromB.type).toBe('ack');
    expect(fromB.duplicate).toBeUndefined();
    expect(fromB.orderId).not.toBe(fromA.orderId);
  });
});

describe('limits', () => {
  it('closes a socket that sends a frame over 16 KiB with 1009; the server carries on', async () => {
    const app = await startTestEngine();
    try {
      const client = await connectClient(app.wsUrl);
      client.send({ op: 'ping', reqId: 'x'.repeat(17 * 1024) });
      expect((await client.closed).code).toBe(1009);
      const again = await connectClient(app.wsUrl);
      expect(await ask(again, { op: 'ping' })).toMatchObject({ type: 'pong' });
      await again.close();
    } finally {
      await app.close();
    }
  });

  it('answers RATE_LIMITED with a retry-after past the per-connection message budget, and the socket stays usable', async () => {
    const app = await startTestEngine({ env: { RATE_LIMIT_MESSAGES_PER_CONNECTION: '5' } });
    try {
      const client = await connectClient(app.wsUrl);
      for (let i = 0; i < 12; i += 1) client.send({ op: 'ping', reqId: `burst-${i}` });
      const limited = await client.waitFor((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
      expect(limited).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
      expect(client.messages.filter((m) => m.type === 'pong')).toHaveLength(5);
      await new Promise((resolve) => setTimeout(resolve, (limited.retryAfterMs as number) + 50));
      expect(await ask(client, { op: 'ping' })).toMatchObject({ type: 'pong' });
      await client.close();
    } finally {
      await app.close();
    }
  });

  it("counts an account's submits across its connections", async () => {
    const app = await startTestEngine({ env: { RATE_LIMIT_SUBMITS_PER_ACCOUNT: '3' } });
    try {
      const [one, two] = await Promise.all([connectClient(app.wsUrl), connectClient(app.wsUrl)]);
      const replies = await Promise.all([ask(one, market), ask(two, market), ask(one, market), ask(two, market)]);
      expect(replies.filter((r) => r.type === 'ack')).toHaveLength(3);
      expect(replies.filter((r) => r.code === 'RATE_LIMITED')).toHaveLength(1);
      await Promise.all([one.close(), two.close()]);
    } finally {
      await app.close();
    }
  });

  it('refuses a submit past the open-order cap with LIMIT_EXCEEDED', async () => {
    const app = await startTestEngine({ env: { MAX_OPEN_ORDERS_PER_ACCOUNT: '2', MOCK_EXEC_LATENCY_MS: '1500' } });
    try {
      const client = await connectClient(app.wsUrl);
      expect((await ask(client, market)).type).toBe('ack');
      expect((await ask(client, market)).type).toBe('ack');
      expect(await ask(client, market)).toMatchObject({ type: 'error', code: 'LIMIT_EXCEEDED', retryable: true });
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('caps connections per key (429) and per process (503)', async () => {
    const app = await startTestEngine({ env: { MAX_CONNECTIONS_PER_KEY: '2', MAX_CONNECTIONS: '3' } });
    try {
      const held = await Promise.all([connectClient(app.wsUrl), connectClient(app.wsUrl)]);
      expect(await upgradeStatus(app.wsUrl)).toBe(429);
      const other = await app.newKey('other');
      const third = await connectClient(`${app.baseWsUrl}?key=${other.key}`);
      expect(await upgradeStatus(`${app.baseWsUrl}?key=${other.key}`)).toBe(503);
      await held[0]!.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await upgradeStatus(app.wsUrl)).toBe(101); // a closed connection frees its place
      await Promise.all([held[1]!.close(), third.close()]);
    } finally {
      await app.close();
    }
  });

  it('disconnects a client that stops reading, and its orders still complete and are stored', async () => {
    const app = await startTestEngine({ env: { MOCK_EXEC_LATENCY_MS: '300', WS_MAX_BUFFERED_BYTES: String(256 * 1024) } });
    const sql = postgres(app.databaseUrl, { max: 1 });
    try {
      const client = await connectClient(app.wsUrl);
      await Promise.all(Array.from({ length: 200 }, () => ask(client, { ...market, slippageBps: 5000 })));
      const ack = await ask(client, { ...market, clientOrderId: 'slow-reader' });
      // Stop reading from the socket, then ask for far more than the server may buffer for it.
      (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let i = 0; i < 150; i += 1) client.send({ op: 'list', reqId: `flood-${i}`, limit: 200 });
      await expect.poll(async () => (await fetch(`${app.httpUrl}/metrics`)).text(), { timeout: 20_000, interval: 250 }).toMatch(/dex_ws_connections 0/);
      await expect
        .poll(async () => (await sql<{ status: string }[]>`select status from orders where client_order_id = 'slow-reader'`)[0]?.status, { timeout: 20_000 })
        .toBe('confirmed');
      await expect.poll(async () => (await sql<{ count: string }[]>`select count(*) from orders where status not in ('confirmed', 'failed', 'cancelled')`)[0]!.count, { timeout: 20_000 }).toBe('0');
      expect(ack.type).toBe('ack');
    } finally {
      await sql.end();
      await app.close();
    }
  });
});
