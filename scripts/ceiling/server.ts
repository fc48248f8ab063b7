import { randomUUID } from 'node:crypto';
import type { WebSocket, us_listen_socket } from 'uWebSockets.js';
import type { UwsModule } from '../../src/adapters/uws/load-uws.js';
import type { Logger } from '../../src/log.js';
import type { Sink } from './order-feed.js';

interface UserData {
  readonly connId: string;
  closed: boolean;
  onText?: (text: string) => void;
  /** Messages gathered in this turn of the event loop, sent under one cork (one write). */
  outbox?: string[];
}

/** The engine's limits on a socket: 16 KB messages, 8 MB unsent before a slow reader is closed. */
const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * The uWebSockets.js edge: `/ws` (hello on open, every text frame to the connection's handler) and
 * `GET /health`. Messages for a socket gather through the turn and go out corked, as in the engine.
 */
export async function startServer(options: {
  uws: UwsModule;
  host: string;
  port: number;
  log: Logger;
  hello: () => string;
  connect: (sink: Sink, log: Logger) => { onText(text: string): void };
  health: () => Promise<boolean>;
}) {
  const { uws, log } = options;
  const app = uws.App();
  const sockets = new Set<WebSocket<UserData>>();
  const dirty = new Set<WebSocket<UserData>>();
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    for (const ws of dirty) {
      const data = ws.getUserData();
      const texts = data.outbox;
      data.outbox = undefined;
      if (!texts || data.closed) continue;
      ws.cork(() => {
        for (const text of texts) {
          if (ws.send(text, false) === 2) {
            log.warn({ connId: data.connId }, 'client is not reading; message dropped and connection closing');
            break;
          }
        }
      });
    }
    dirty.clear();
  };

  app.ws<UserData>('/ws', {
    compression: uws.DISABLED,
    maxPayloadLength: 64 * 1024,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    maxBackpressure: MAX_BUFFERED_BYTES,
    closeOnBackpressureLimit: 1,
    upgrade: (res, req, context) => {
      // No await here, but the same rule as the engine: everything is read from req before upgrading.
      res.upgrade<UserData>(
        { connId: randomUUID(), closed: false },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol').split(',')[0]?.trim() ?? '',
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      const data = ws.getUserData();
      const sink: Sink = {
        send(text) {
          if (data.closed) return; // the socket is gone; its orders still complete and are stored
          if (data.outbox) return void data.outbox.push(text);
          data.outbox = [text];
          dirty.add(ws);
          if (!flushScheduled) {
            flushScheduled = true;
            setImmediate(flush);
          }
        },
      };
      data.onText = options.connect(sink, log.child({ connId: data.connId })).onText;
      sockets.add(ws);
      sink.send(options.hello());
    },
    message: (ws, message, isBinary) => {
      if (message.byteLength > MAX_MESSAGE_BYTES) return void ws.end(1009, `messages are limited to ${MAX_MESSAGE_BYTES} bytes`);
      if (isBinary) return;
      // uWS neuters `message` when this callback returns: copy it out now.
      ws.getUserData().onText?.(Buffer.from(message).toString('utf8'));
    },
    close: (ws) => {
      const data = ws.getUserData();
      data.closed = true;
      sockets.delete(ws);
      dirty.delete(ws);
    },
  });

  app.get('/health', (res) => {
    let aborted = false;
    res.onAborted(() => (aborted = true));
    void options.health().then((ok) => {
      if (aborted) return;
      res.cork(() => {
        res.writeStatus(ok ? '200 OK' : '503 Service Unavailable');
        res.writeHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', service: 'ceiling' }));
      });
    });
  });
  app.any('/*', (res) => {
    res.writeStatus('404 Not Found').end('not found\n');
  });

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(options.host, options.port, (token) => (token ? resolve(token) : reject(new Error(`cannot listen on ${options.host}:${options.port}`))));
  });
  const port = uws.us_socket_local_port(listenSocket);
  log.info({ host: options.host, port }, 'ceiling listening');
  return {
    port,
    /** Stops accepting connections and closes the open ones with `code` (1001: going away). */
    close(code: number, reason: string): void {
      uws.us_listen_socket_close(listenSocket);
      flush();
      for (const ws of [...sockets]) if (!ws.getUserData().closed) ws.end(code, reason);
    },
  };
}
