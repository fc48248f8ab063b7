// One WebSocket to the engine that reconnects by itself with capped, jittered exponential backoff.
// Replies are matched to requests by reqId; everything else goes to the onMessage handler.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * @param {{ url: string, protocols: () => string[], onState: (state: {name: string, retryInMs?: number, attempt?: number, neverOpened?: boolean}) => void,
 *           onOpen: () => void, onMessage: (message: any) => void }} options
 */
export function createConnection({ url, protocols, onState, onOpen, onMessage }) {
  let socket = null;
  let attempt = 0;
  let timer = null;
  let counter = 0;
  let stopped = false;
  const pending = new Map();

  function connect() {
    onState({ name: attempt === 0 ? 'connecting' : 'reconnecting', attempt });
    // The API key travels as the subprotocol: browsers cannot set other headers on a WebSocket.
    socket = new WebSocket(url, protocols());
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      attempt = 0;
      onState({ name: 'connected' });
      onOpen();
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // the server only sends JSON; anything else is not ours to interpret
      }
      const waiter = message.reqId !== undefined ? pending.get(message.reqId) : undefined;
      if (waiter && message.type !== 'order') {
        pending.delete(message.reqId);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      }
      onMessage(message);
    });
    socket.addEventListener('close', () => {
      for (const [reqId, waiter] of pending) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('connection lost'));
        pending.delete(reqId);
      }
      if (stopped) return onState({ name: 'closed' });
      attempt += 1;
      const ceiling = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      onState({ name: 'offline', retryInMs: delay, attempt, neverOpened: !opened });
      timer = setTimeout(connect, delay);
    });
  }

  connect();

  return {
    get open() {
      return socket?.readyState === WebSocket.OPEN;
    },
    /** Sends a request and resolves with its reply (the first non-event message with the same reqId). */
    request(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
      const reqId = message.reqId ?? `w${Date.now().toString(36)}${(counter++).toString(36)}`;
      return new Promise((resolve, reject) => {
        const timeout = setTimeout(() => {
          pending.delete(reqId);
          reject(new Error('no reply'));
        }, REQUEST_TIMEOUT_MS);
        pending.set(reqId, { resolve, reject, timer: timeout });
        socket.send(JSON.stringify({ ...message, reqId }));
      });
    },
    /** Drops the socket (the reconnect loop brings it back). */
    drop() {
      socket?.close();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
