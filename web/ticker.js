// Follows one pair's ticker channel: switching pairs unsubscribes the old one, and after a
// reconnect (a new socket has no subscriptions) the page calls `follow` again.

/** @param {{ connection: { open: boolean, request: (message: object) => Promise<any> }, onError: (text: string) => void }} options */
export function createTickerFeed({ connection, onError }) {
  let pair = null;

  function send(op, which) {
    if (!connection.open) return; // the next onOpen subscribes again
    connection.request({ op, channel: 'ticker', pair: which }).then(
      (reply) => {
        if (reply.type === 'error' && which === pair) onError(`Live prices unavailable: ${reply.message}`);
      },
      () => undefined, // a lost socket reconnects and resubscribes by itself
    );
  }

  return {
    /** Subscribes to `next` (again, after a reconnect) and drops the previous pair. */
    follow(next) {
      const previous = pair;
      pair = next;
      if (previous && previous !== next) send('unsubscribe', previous);
      if (next) send('subscribe', next);
    },
    /** Whether a ticker message belongs to the pair followed now (ticks of the old pair may still be in flight). */
    accepts: (message) => message.pair === pair,
  };
}
