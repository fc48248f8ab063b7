import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createDexClient, type DexClient, type OrderUpdate } from '../../web/dex-client.js';
import type { LoadOptions } from './options.js';
import { steadyRate, summarize, type LatencySummary } from './stats.js';

interface Track {
  readonly clientOrderId: string;
  readonly sentAt: number;
  /** The connection it was sent on. */
  readonly socket: number;
  ackAt?: number;
  orderId?: string;
  /** An update of it came ahead of one before it (the client then asked for a replay). */
  gap?: boolean;
  terminal?: { status: string; at: number; code?: string };
  rejected?: string;
  /** When the refusal came (a refusal is an answer too). */
  rejectedAt?: number;
}

export interface Progress {
  readonly elapsedS: number;
  readonly sent: number;
  readonly acked: number;
  readonly terminal: number;
  readonly errors: number;
  readonly ratePerS: number;
}

export interface LoadResult {
  readonly options: Omit<LoadOptions, 'key'>;
  readonly sent: number;
  readonly acked: number;
  readonly rejected: Record<string, number>;
  readonly confirmed: number;
  readonly failed: Record<string, number>;
  readonly cancelled: number;
  /** Orders that ended `expired` (their deadline passed before the send), by code. */
  readonly expired: Record<string, number>;
  /** Acked but no terminal event before the settle timeout. */
  readonly lost: number;
  /** Sent but neither acked nor refused. */
  readonly unanswered: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  /** Finished orders whose events skipped a seq. */
  readonly gaps: number;
  /** Orders left open because the server closed their connection (not counted as lost). */
  readonly disconnected: number;
  readonly ackLatencyMs: LatencySummary;
  /** Time to the first answer, an ack or a refusal (OVERLOADED and any other): what a client waits for either way. */
  readonly answerLatencyMs: LatencySummary;
  /** Time to a refusal alone (OVERLOADED and any other): how fast the "not now" comes. */
  readonly refusalLatencyMs: LatencySummary;
  readonly confirmLatencyMs: LatencySummary;
  readonly ackLatencySamples: number[];
  readonly confirmLatencySamples: number[];
  readonly sendWindowS: number;
  readonly ackedPerS: number;
  readonly confirmedPerS: number;
  /** Mean confirmations per second over the middle 80 % of the seconds that had any (no ramp-up, no tail). */
  readonly confirmedPerSSteady: number;
  readonly connectionsOpened: number;
  readonly connectionsHeld: number;
  /** Per second of the run: orders sent, acked, confirmed and failed, and the slowest ack received in that second. */
  readonly timeline: Array<{ second: number; sent: number; acked: number; confirmed: number; failed: number; ackMaxMs: number }>;
}

/** How long a submit may wait for its answer: past the run's end and settle, it counts as unanswered. */
const NO_ANSWER_TIMEOUT_MS = 3_600_000;

/**
 * Opens the connections, sends on schedule (open loop), checks every event it gets, and reports.
 * Each connection is one client of the protocol (web/dex-client.js) that neither reconnects nor
 * retries: the run measures the server as it answers, refusals included.
 */
export async function runLoad(options: LoadOptions, onProgress: (progress: Progress) => void): Promise<LoadResult> {
  const tracks = new Map<string, Track>();
  const byOrder = new Map<string, Track>();
  let duplicates = 0;
  let outOfOrder = 0;
  let acked = 0;
  let terminal = 0;
  let errors = 0;
  const timeline = new Map<number, { sent: number; acked: number; confirmed: number; failed: number; ackMaxMs: number }>();
  const start = performance.now();
  const bucket = (at: number) => {
    const second = Math.floor((at - start) / 1000);
    let entry = timeline.get(second);
    if (!entry) timeline.set(second, (entry = { sent: 0, acked: 0, confirmed: 0, failed: 0, ackMaxMs: 0 }));
    return entry;
  };

  /**
   * Every update as the client delivers it: once each and in seq order. What came otherwise is an
   * anomaly (below): the client here does not repair gaps, so an update ahead of a missing one is
   * counted out of order, and still ends its order if it is the terminal event, as it arrived.
   */
  function onUpdate(update: OrderUpdate): void {
    const now = performance.now();
    if (update.type === 'ack') {
      const sent = typeof update.clientOrderId === 'string' ? tracks.get(update.clientOrderId) : undefined;
      if (sent && !sent.ackAt) {
        sent.ackAt = now;
        sent.orderId = update.orderId;
        byOrder.set(update.orderId, sent);
        acked += 1;
        const entry = bucket(now);
        entry.acked += 1;
        entry.ackMaxMs = Math.max(entry.ackMaxMs, now - sent.sentAt);
      }
      return;
    }
    const track = byOrder.get(update.orderId);
    if (!track || track.terminal) return;
    if (update.status === 'confirmed' || update.status === 'failed' || update.status === 'cancelled' || update.status === 'expired') {
      const code = (update.error as { code?: string } | undefined)?.code;
      track.terminal = { status: update.status, at: now, ...(code && { code }) };
      terminal += 1;
      const entry = bucket(now);
      if (update.status === 'confirmed') entry.confirmed += 1;
      else entry.failed += 1;
    }
  }
  function onAnomaly(anomaly: { kind: 'duplicate' | 'gap'; update: OrderUpdate }): void {
    if (anomaly.kind === 'duplicate') return void (duplicates += 1);
    outOfOrder += 1;
    const track = byOrder.get(anomaly.update.orderId);
    if (track) track.gap = true;
    onUpdate(anomaly.update);
  }

  const clients = await openClients(options, onUpdate, onAnomaly);
  const sockets = clients.map(({ client }) => client);
  const closedEarly = new Set<number>();
  clients.forEach(({ closed }, index) => void closed.then(() => closedEarly.add(index)));
  const run = randomBytes(4).toString('hex');
  const total = options.orders ?? Number.POSITIVE_INFINITY;
  const deadline = options.durationS === undefined ? Number.POSITIVE_INFINITY : start + options.durationS * 1000;
  let sent = 0;
  let lastReport = start;
  let lastReportedSent = 0;

  // Open loop: every tick sends whatever the schedule says is due, however the server is doing.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((Math.min(now, deadline) - start) / 1000) * options.rate));
      while (sent < due) {
        const template = options.mix[sent % options.mix.length]!;
        // Unique across runs: a clientOrderId of an earlier run would get that order's duplicate ack.
        const clientOrderId = `L${run}-${sent}`;
        const socket = sockets[sent % sockets.length]!;
        const track: Track = { clientOrderId, sentAt: performance.now(), socket: sent % sockets.length };
        tracks.set(clientOrderId, track);
        if (socket.open) {
          socket.submit({ type: 'market', ...template, slippageBps: options.slippageBps, clientOrderId }).catch((err: { code?: string; reply?: unknown }) => {
            if (!err.reply || track.ackAt || track.rejected) return; // the connection closed: counted as disconnected
            track.rejected = err.code ?? 'ERROR';
            track.rejectedAt = performance.now();
            errors += 1;
          });
        }
        bucket(now).sent += 1;
        sent += 1;
      }
      if (now - lastReport >= 1000) {
        onProgress({ elapsedS: (now - start) / 1000, sent, acked, terminal, errors, ratePerS: ((sent - lastReportedSent) * 1000) / (now - lastReport) });
        lastReport = now;
        lastReportedSent = sent;
      }
      if (sent >= total || now >= deadline) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const sendEnd = performance.now();

  // Let the last orders end, within the settle timeout.
  const settleBy = sendEnd + options.settleTimeoutS * 1000;
  while (performance.now() < settleBy) {
    const open = [...tracks.values()].some((track) => !track.rejected && !track.terminal && !(track.ackAt === undefined && performance.now() - track.sentAt > 10_000));
    if (!open) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (performance.now() - lastReport >= 1000) {
      lastReport = performance.now();
      onProgress({ elapsedS: (lastReport - start) / 1000, sent, acked, terminal, errors, ratePerS: 0 });
    }
  }

  const connectionsHeld = sockets.filter((socket) => socket.open).length;
  const dropped = new Set(closedEarly);
  await Promise.all(clients.map(({ client, closed }) => closeClient(client, closed)));

  const all = [...tracks.values()];
  const rejected: Record<string, number> = {};
  const failed: Record<string, number> = {};
  let confirmed = 0;
  let cancelled = 0;
  const expired: Record<string, number> = {};
  let lastTerminal = start;
  for (const track of all) {
    if (track.rejected) rejected[track.rejected] = (rejected[track.rejected] ?? 0) + 1;
    if (!track.terminal) continue;
    lastTerminal = Math.max(lastTerminal, track.terminal.at);
    if (track.terminal.status === 'confirmed') confirmed += 1;
    else if (track.terminal.status === 'cancelled') cancelled += 1;
    else if (track.terminal.status === 'expired') expired[track.terminal.code ?? 'UNKNOWN'] = (expired[track.terminal.code ?? 'UNKNOWN'] ?? 0) + 1;
    else failed[track.terminal.code ?? 'UNKNOWN'] = (failed[track.terminal.code ?? 'UNKNOWN'] ?? 0) + 1;
  }
  const ackSamples = all.filter((t) => t.ackAt !== undefined).map((t) => t.ackAt! - t.sentAt);
  const answerSamples = all.flatMap((t) => (t.ackAt !== undefined ? [t.ackAt - t.sentAt] : t.rejectedAt !== undefined ? [t.rejectedAt - t.sentAt] : []));
  const refusalSamples = all.flatMap((t) => (t.ackAt === undefined && t.rejectedAt !== undefined ? [t.rejectedAt - t.sentAt] : []));
  const confirmSamples = all.filter((t) => t.terminal?.status === 'confirmed').map((t) => t.terminal!.at - t.sentAt);
  const sendWindowS = Math.max(0.001, (sendEnd - start) / 1000);
  const { key: _key, ...shown } = options;
  return {
    options: shown,
    sent,
    acked,
    rejected,
    confirmed,
    failed,
    cancelled,
    expired,
    lost: all.filter((t) => t.ackAt !== undefined && !t.terminal && !dropped.has(t.socket)).length,
    unanswered: all.filter((t) => t.ackAt === undefined && !t.rejected && !dropped.has(t.socket)).length,
    duplicates,
    outOfOrder,
    gaps: all.filter((t) => t.terminal && t.gap).length,
    disconnected: all.filter((t) => !t.terminal && !t.rejected && dropped.has(t.socket)).length,
    ackLatencyMs: summarize(ackSamples),
    answerLatencyMs: summarize(answerSamples),
    refusalLatencyMs: summarize(refusalSamples),
    confirmLatencyMs: summarize(confirmSamples),
    ackLatencySamples: ackSamples,
    confirmLatencySamples: confirmSamples,
    sendWindowS,
    ackedPerS: acked / sendWindowS,
    confirmedPerS: confirmed / Math.max(0.001, (lastTerminal - start) / 1000),
    confirmedPerSSteady: steadyRate(all.flatMap((t) => (t.terminal?.status === 'confirmed' ? [t.terminal.at] : []))),
    connectionsOpened: sockets.length,
    connectionsHeld,
    timeline: [...timeline.entries()].sort(([a], [b]) => a - b).map(([second, entry]) => ({ second, ...entry })),
  };
}

/** One client per connection, opened 200 at a time (thousands at once would overflow the listen backlog). */
async function openClients(
  options: LoadOptions,
  onUpdate: (update: OrderUpdate) => void,
  onAnomaly: (anomaly: { kind: 'duplicate' | 'gap'; update: OrderUpdate }) => void,
): Promise<Array<{ client: DexClient; closed: Promise<void> }>> {
  const clients: Array<{ client: DexClient; closed: Promise<void> }> = [];
  try {
    for (let i = 0; i < options.connections; i += 200) {
      const batch = Array.from({ length: Math.min(200, options.connections - i) }, () => {
        let closedNow!: () => void;
        const closed = new Promise<void>((resolve) => (closedNow = resolve));
        const client = createDexClient({
          url: options.url,
          ...(options.key && { key: options.key }),
          WebSocket,
          socketOptions: { perMessageDeflate: false, handshakeTimeout: 10_000 },
          reconnect: false,
          retry: false,
          repairGaps: false,
          requestTimeoutMs: NO_ANSWER_TIMEOUT_MS,
          on: { update: onUpdate, anomaly: onAnomaly, state: (state) => state.name === 'closed' && closedNow() },
        });
        clients.push({ client, closed });
        return client.opened();
      });
      await Promise.all(batch);
    }
    return clients;
  } catch (err) {
    // Leave nothing open behind (an open socket would keep this process alive).
    for (const { client } of clients) client.close();
    const status = /Unexpected server response: (\d{3})/.exec(String((err as Error).message))?.[1];
    throw status ? new Error(`the server refused the connection: HTTP ${status}`) : err;
  }
}

/** Closes a client, within 2 s. */
function closeClient(client: DexClient, closed: Promise<void>): Promise<void> {
  client.close();
  return Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())]);
}
