import { randomUUID } from 'node:crypto';
import type { TemplatedApp, WebSocket, us_listen_socket } from 'uWebSockets.js';
import type { Logger } from '../../log.js';
import type { Caller } from '../../accounts/ports.js';
import type { Admission, UpgradeRequest } from '../../gateway/admission.js';
import type { ClientSink, TopicPublisher } from '../../gateway/topics.js';
import type { UwsModule } from './load-uws.js';
import { addHttpRoutes, type HealthReport } from './http-routes.js';

export type { HealthReport } from './http-routes.js';
import type { StaticFile } from './static-files.js';

/** What a connection's protocol logic looks like to the socket adapter. */
export interface ConnectionHandler {
  hello(): void;
  onText(text: string): Promise<void>;
  onBinary(): void;
  onClose(): void;
}


export interface HttpServerOptions {
  readonly uws: UwsModule;
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
  readonly health: () => Promise<HealthReport>;
  /** The Prometheus text exposition of every metric of the process. */
  readonly metrics: () => Promise<string>;
  readonly files: Map<string, StaticFile>;
  /** When set, `/ws` accepts WebSocket clients (ROLE=gateway or all). */
  readonly gateway?: {
    /** Decides at the upgrade who may connect; an admitted caller is released when its socket closes. */
    admit(request: UpgradeRequest): Promise<Admission>;
    release(caller: Caller): void;
    connect(sink: ClientSink, caller: Caller, connId: string, log: Logger): ConnectionHandler;
    /** Called once, before the server listens, with the publisher of the server's topics. */
    attach(publisher: TopicPublisher): void;
  };
  readonly onConnectionCount?: (count: number) => void;
  /** A connection silent this long (no message, no pong to the server's pings) is closed. */
  readonly idleTimeoutSeconds: number;
  /** A client that stops reading may hold at most this much unsent data before it is disconnected. */
  readonly maxBufferedBytes: number;
}

interface UserData {
  readonly connId: string;
  readonly caller: Caller;
  closed: boolean;
  handler?: ConnectionHandler;
  /** Messages waiting for this turn's flush, sent together under one cork (one write). */
  outbox?: string[];
}

/** Largest message a client may send; a bigger one closes the connection with 1009 (message too big). */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** uWS's own ceiling: a frame beyond it is cut off at once, without a close frame. */
const HARD_PAYLOAD_BYTES = 64 * 1024;

/**
 * The uWebSockets.js edge: HTTP routes (page, health, metrics) and the `/ws` endpoint. It copies
 * what it needs out of uWS objects before any await and never touches a closed socket.
 */
export async function startHttpServer(options: HttpServerOptions) {
  const { uws, log, gateway } = options;
  const app: TemplatedApp = uws.App();
  const sockets = new Set<WebSocket<UserData>>();
  // Outside uWS's own callbacks every send would be a write of its own: messages for a socket are
  // gathered through the turn of the event loop and flushed corked, in order.
  const dirty = new Set<WebSocket<UserData>>();
  let flushScheduled = false;
  const sendGathered = (ws: WebSocket<UserData>) => {
    const data = ws.getUserData();
    const texts = data.outbox;
    data.outbox = undefined;
    if (!texts || data.closed) return; // the socket is gone; its orders still complete and are persisted
    ws.cork(() => {
      for (const text of texts) {
        if (ws.send(text, false) === 2) {
          log.warn({ connId: data.connId }, 'client is not reading; message dropped and connection closing');
          break;
        }
      }
    });
  };
  const flush = () => {
    flushScheduled = false;
    for (const ws of dirty) sendGathered(ws);
    dirty.clear();
  };
  // One serialization for every subscriber: uWS copies the frame into each socket's buffer, and a
  // socket over maxBackpressure is skipped and (closeOnBackpressureLimit) closed, like a send that returns 2.
  const publisher: TopicPublisher = {
    subscribers: (topic) => app.numSubscribers(topic),
    publish(topic, text) {
      app.publish(topic, text, false, false);
    },
  };

  if (gateway) {
    app.ws<UserData>('/ws', {
      compression: uws.DISABLED,
      maxPayloadLength: HARD_PAYLOAD_BYTES,
      idleTimeout: options.idleTimeoutSeconds,
      sendPingsAutomatically: true,
      maxBackpressure: options.maxBufferedBytes,
      closeOnBackpressureLimit: 1,
      upgrade: (res, req, context) => {
        // uWS invalidates req at the first await: copy everything needed now.
        const key = req.getHeader('sec-websocket-key');
        const protocols = req.getHeader('sec-websocket-protocol');
        const extensions = req.getHeader('sec-websocket-extensions');
        const query = new URLSearchParams(req.getQuery() ?? '');
        let aborted = false;
        res.onAborted(() => (aborted = true));
        void gateway
          .admit({ protocols: protocols.split(',').map((entry) => entry.trim()).filter(Boolean), query })
          .catch((err: unknown): Admission => {
            log.error({ err }, 'admission failed');
            return { ok: false, status: 503, code: 'SERVICE_UNAVAILABLE', message: 'cannot check the key right now' };
          })
          .then((admission) => {
            if (aborted) {
              if (admission.ok) gateway.release(admission.caller);
              return;
            }
            res.cork(() => {
              if (!admission.ok) {
                res.writeStatus(STATUS_LINES[admission.status]);
                res.writeHeader('content-type', 'application/json');
                res.end(JSON.stringify({ code: admission.code, message: admission.message }));
                return;
              }
              res.upgrade<UserData>({ connId: randomUUID(), caller: admission.caller, closed: false }, key, admission.protocol ?? '', extensions, context);
            });
          });
      },
      open: (ws) => {
        const data = ws.getUserData();
        const connLog = log.child({ connId: data.connId });
        const sink: ClientSink = {
          send(text) {
            if (data.closed) return; // the socket is gone; its orders still complete and are persisted
            if (data.outbox) return void data.outbox.push(text);
            data.outbox = [text];
            dirty.add(ws);
            if (!flushScheduled) {
              flushScheduled = true;
              setImmediate(flush);
            }
          },
          subscribe(topic) {
            if (data.closed) return; // uWS drops a closed socket's topics itself; touching it would crash
            // Published frames go out at once, gathered ones at the end of the turn: what was sent
            // before joining (the `subscribed` reply) must leave first.
            if (data.outbox) {
              dirty.delete(ws);
              sendGathered(ws);
            }
            if (!data.closed) ws.subscribe(topic);
          },
          unsubscribe(topic) {
            if (!data.closed) ws.unsubscribe(topic);
          },
        };
        data.handler = gateway.connect(sink, data.caller, data.connId, connLog);
        sockets.add(ws);
        options.onConnectionCount?.(sockets.size);
        connLog.debug('connection open');
        data.handler.hello();
      },
      message: (ws, message, isBinary) => {
        const data = ws.getUserData();
        if (message.byteLength > MAX_MESSAGE_BYTES) {
          ws.end(1009, `messages are limited to ${MAX_MESSAGE_BYTES} bytes`);
          return;
        }
        if (isBinary) return data.handler?.onBinary();
        // uWS neuters `message` when this callback returns: copy it out now.
        const text = Buffer.from(message).toString('utf8');
        void data.handler?.onText(text);
      },
      close: (ws, code) => {
        const data = ws.getUserData();
        data.closed = true;
        sockets.delete(ws);
        dirty.delete(ws);
        gateway.release(data.caller);
        options.onConnectionCount?.(sockets.size);
        data.handler?.onClose();
        log.debug({ connId: data.connId, code }, 'connection closed');
      },
    });
  }

  gateway?.attach(publisher);

  addHttpRoutes(app, { health: options.health, metrics: options.metrics, files: options.files });

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(options.host, options.port, (token) => (token ? resolve(token) : reject(new Error(`cannot listen on ${options.host}:${options.port}`))));
  });
  const port = uws.us_socket_local_port(listenSocket);
  log.info({ host: options.host, port, websocket: Boolean(gateway) }, 'listening');

  let listening = true;
  return {
    port,
    /** Stops accepting connections; open ones stay until closeConnections. */
    stopListening(): void {
      if (!listening) return;
      listening = false;
      uws.us_listen_socket_close(listenSocket);
    },
    /** Closes every WebSocket with `code` (1001 = going away). */
    closeConnections(code: number, reason: string): void {
      flush(); // what is still gathered for this turn goes out before the close frame
      for (const ws of [...sockets]) {
        if (!ws.getUserData().closed) ws.end(code, reason);
      }
    },
    /** Sends one text to every socket subscribed to `topic`. */
    publish: publisher.publish,
    get connections() {
      return sockets.size;
    },
  };
}

const STATUS_LINES = { 401: '401 Unauthorized', 429: '429 Too Many Requests', 503: '503 Service Unavailable' } as const;


export type HttpServer = Awaited<ReturnType<typeof startHttpServer>>;
