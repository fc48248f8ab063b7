// Types of dex-client.js (the module itself has no build step). The messages are described in full
// by docs/asyncapi.yaml; here they are typed as far as a client program needs.

export interface ServerMessage {
  readonly type: string;
  readonly reqId?: string;
  readonly [field: string]: unknown;
}

/** An order's ack (seq 1) or one of its events (seq 2 on); a duplicate ack stands for the ack when a submit was sent again. */
export interface OrderUpdate extends ServerMessage {
  readonly type: 'ack' | 'order';
  readonly orderId: string;
  readonly status: string;
  readonly seq?: number;
  readonly ts: number;
  readonly duplicate?: true;
}

export declare class DexError extends Error {
  constructor(reply: { code: string; message: string; field?: string; retryable?: boolean; retryAfterMs?: number; status?: string });
  /** The server's error code, or the client's own: DISCONNECTED (not connected, or lost before the reply), TIMEOUT, CLOSED, KEY_CHANGED. */
  readonly code: string;
  readonly field?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** NOT_CANCELLABLE and NOT_AMENDABLE: the order's status. */
  readonly status?: string;
  /** The server's error reply itself (absent for the client's own DISCONNECTED, TIMEOUT, CLOSED). */
  readonly reply?: ServerMessage;
}

export interface ConnectionState {
  readonly name: 'connecting' | 'reconnecting' | 'connected' | 'offline' | 'closed';
  readonly attempt?: number;
  readonly retryInMs?: number;
  readonly neverOpened?: boolean;
}

export interface DexClientOptions {
  /** ws://host:port/ws, or a function giving the one to use on each (re)connect (any gateway of a deployment will do). */
  readonly url: string | (() => string);
  /** The API key (sent as the WebSocket subprotocol), or a function giving the one to use on each (re)connect. */
  readonly key?: string | (() => string | undefined);
  /** The WebSocket constructor: the browser's by default; in Node, the `ws` package's. */
  readonly WebSocket?: unknown;
  /** Passed to the constructor as its third argument (the `ws` package's options). */
  readonly socketOptions?: object;
  /** Reconnect after a lost connection (default true); false: the client closes with its socket. */
  readonly reconnect?: boolean;
  /** Reconnect backoff: capped exponential with jitter, from minMs (250) to maxMs (10000). */
  readonly backoff?: { readonly minMs?: number; readonly maxMs?: number };
  /** Retries of retryable refusals that carry a retryAfterMs (OVERLOADED, RATE_LIMITED), after it; false: none. Default 5 retries, each waiting up to 30 s. */
  readonly retry?: false | { readonly attempts?: number; readonly maxWaitMs?: number };
  /** How long a request waits for its reply once sent, or for a connection to be sent on (15000 ms). A request in flight at a disconnect waits for the reconnect, then this long again. */
  readonly requestTimeoutMs?: number;
  /** Ask the server for a replay as soon as an order's updates show a gap (default true; the load script turns it off to count gaps as they come). */
  readonly repairGaps?: boolean;
  readonly on?: {
    readonly state?: (state: ConnectionState) => void;
    /** After every (re)connect, once what was in flight has been sent again. */
    readonly open?: () => void;
    /** Every message that is not an order update: replies, tickers, hello. */
    readonly message?: (message: ServerMessage) => void;
    /** Every order update: once each and in seq order for the orders the client follows; as they come for others. */
    readonly update?: (update: OrderUpdate) => void;
    /** An update seen twice, or one ahead of a gap (a replay is asked for at once). */
    readonly anomaly?: (anomaly: { kind: 'duplicate' | 'gap'; update: OrderUpdate; expected?: number }) => void;
    /** A retryable refusal about to be retried. */
    readonly retry?: (retry: { message: object; error: DexError; inMs: number }) => void;
    /** A background request (a resume) that failed. */
    readonly error?: (error: unknown) => void;
  };
}

export interface OrderHandle {
  readonly orderId: string;
  readonly clientOrderId?: string;
  /** The seq of the last update delivered. */
  readonly lastSeq: number;
  /** Resolves with the terminal event. */
  readonly done: Promise<OrderUpdate>;
  /** Calls the listener with each update from now on; returns the unsubscribe. */
  onUpdate(listener: (update: OrderUpdate) => void): () => void;
  /** Every update so far and to come, in seq order, ending after the terminal one. */
  updates(): AsyncGenerator<OrderUpdate, void, undefined>;
}

export interface DexClient {
  readonly open: boolean;
  /** Resolves once the socket is open the first time; rejects if the client closes first. */
  opened(): Promise<void>;
  /** Any request; resolves with its reply, rejects with a DexError for a refusal. Made while not connected, it goes out on the reconnect if that comes within requestTimeoutMs (else DISCONNECTED). */
  request<T extends ServerMessage = ServerMessage>(message: { readonly op: string; readonly [field: string]: unknown }): Promise<T>;
  /** Submits an order; resolves once acked with its handle (`ack` is the reply). */
  submit(fields: { readonly type: string; readonly [field: string]: unknown }): Promise<OrderHandle & { readonly ack: ServerMessage }>;
  /** Follows an existing order from fromSeq (0: from its ack). */
  follow(orderId: string, fromSeq?: number): Promise<OrderHandle>;
  /** Drops the socket: the client reconnects and resumes. */
  drop(): void;
  close(): void;
}

export declare function createDexClient(options: DexClientOptions): DexClient;
