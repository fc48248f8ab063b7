import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { LoadOptions } from './options.js';
import { summarize, type LatencySummary } from './stats.js';

interface Track {
  readonly reqId: string;
  readonly sentAt: number;
  /** The connection it was sent on. */
  readonly socket: number;
  ackAt?: number;
  orderId?: string;
  /** Seqs received, and the highest so far (arrival order is checked against it). */
  readonly seen: Set<number>;
  maxSeq: number;
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

type Message = { type: string; reqId?: string; orderId?: string; seq?: number; status?: string; code?: string; error?: { code: string }; duplicate?: boolean };

/** Opens the connections, sends on schedule (open loop), checks every event it gets, and reports. */
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

  function onMessage(raw: WebSocket.RawData): void {
    const now = performance.now();
    const message = JSON.parse(raw.toString()) as Message;
    if (message.type === 'error' && message.reqId) {
      const track = tracks.get(message.reqId);
      if (track && !track.rejected && !track.ackAt) {
        track.rejected = message.code ?? 'ERROR';
        track.rejectedAt = now;
        errors += 1;
      }
      return;
    }
    if (message.type !== 'ack' && message.type !== 'order') return;
    let track = message.orderId ? byOrder.get(message.orderId) : undefined;
    if (message.type === 'ack' && message.reqId) {
      const sent = tracks.get(message.reqId);
      if (sent && !sent.ackAt) {
        sent.ackAt = now;
        sent.orderId = message.orderId!;
        byOrder.set(message.orderId!, sent);
        acked += 1;
        const entry = bucket(now);
        entry.acked += 1;
        entry.ackMaxMs = Math.max(entry.ackMaxMs, now - sent.sentAt);
        track = sent;
      }
    }
    if (!track || typeof message.seq !== 'number') return;
    if (track.seen.has(message.seq)) {
      duplicates += 1;
      return;
    }
    if (message.seq < track.maxSeq) outOfOrder += 1;
    track.seen.add(message.seq);
    track.maxSeq = Math.max(track.maxSeq, message.seq);
    if (message.status === 'confirmed' || message.status === 'failed' || message.status === 'cancelled' || message.status === 'expired') {
      if (track.terminal) return; // a second terminal event has a second seq: counted where seqs are checked
      track.terminal = { status: message.status, at: now, ...(message.error && { code: message.error.code }) };
      terminal += 1;
      const entry = bucket(now);
      if (message.status === 'confirmed') entry.confirmed += 1;
      else entry.failed += 1;
    }
  }

  const sockets = await openConnections(options, onMessage);
  const closedEarly = new Set<number>();
  sockets.forEach((socket, index) => socket.once('close', () => closedEarly.add(index)));
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
        const reqId = `L${sent}`;
        const socket = sockets[sent % sockets.length]!;
        tracks.set(reqId, { reqId, sentAt: performance.now(), socket: sent % sockets.length, seen: new Set(), maxSeq: 0 });
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ op: 'submit', reqId, type: 'market', ...template, slippageBps: options.slippageBps }));
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

  const connectionsHeld = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
  const dropped = new Set(closedEarly);
  await Promise.all(sockets.map((socket) => closeSocket(socket)));

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
    gaps: all.filter((t) => t.terminal && t.seen.size !== t.maxSeq).length,
    disconnected: all.filter((t) => !t.terminal && !t.rejected && dropped.has(t.socket)).length,
    ackLatencyMs: summarize(ackSamples),
    answerLatencyMs: summarize(answerSamples),
    confirmLatencyMs: summarize(confirmSamples),
    ackLatencySamples: ackSamples,
    confirmLatencySamples: confirmSamples,
    sendWindowS,
    ackedPerS: acked / sendWindowS,
    confirmedPerS: confirmed / Math.max(0.001, (lastTerminal - start) / 1000),
    confirmedPerSSteady: steadyRate([...timeline.values()].map((entry) => entry.confirmed)),
    connectionsOpened: sockets.length,
    connectionsHeld,
    timeline: [...timeline.entries()].sort(([a], [b]) => a - b).map(([second, entry]) => ({ second, ...entry })),
  };
}

function steadyRate(perSecond: number[]): number {
  const first = perSecond.findIndex((count) => count > 0);
  const last = perSecond.length - 1 - [...perSecond].reverse().findIndex((count) => count > 0);
  if (first < 0) return 0;
  const span = perSecond.slice(first, last + 1);
  const trim = Math.floor(span.length * 0.1);
  const middle = span.slice(trim, span.length - trim);
  return middle.reduce((sum, count) => sum + count, 0) / Math.max(1, middle.length);
}

async function openConnections(options: LoadOptions, onMessage: (raw: WebSocket.RawData) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const opened: WebSocket[] = [];
  try {
    // In batches, so thousands of connections do not all hit the listen backlog at once.
    for (let i = 0; i < options.connections; i += 200) {
      const batch = Array.from({ length: Math.min(200, options.connections - i) }, () => {
        const socket = new WebSocket(options.url, options.key ? [options.key] : [], { perMessageDeflate: false, handshakeTimeout: 10_000 });
        opened.push(socket);
        socket.on('message', onMessage);
        return new Promise<WebSocket>((resolve, reject) => {
          socket.once('open', () => resolve(socket));
          socket.once('unexpected-response', (_req, res) => reject(new Error(`the server refused the connection: HTTP ${res.statusCode}`)));
          socket.once('error', reject);
        });
      });
      sockets.push(...(await Promise.all(batch)));
    }
    return sockets;
  } catch (err) {
    // Leave nothing open behind (an open socket would keep this process alive).
    for (const socket of opened) socket.terminate();
    throw err;
  }
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, 2_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}
