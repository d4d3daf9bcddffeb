/** The operations a change can carry. */
export type ChangeOp = "INSERT" | "UPDATE" | "DELETE";

/** A row change, as the server sends it. `record` is null for DELETE, `old_record` null for INSERT. */
export interface Change<Row = Record<string, unknown>> {
  /** The change id: unique per app, increasing in commit order. */
  id: number;
  table: string;
  op: ChangeOp;
  record: Row | null;
  old_record: Row | null;
  /** When the row changed (ISO-8601, UTC). */
  timestamp: string;
}

/** The connection's lifecycle. */
export type Status = "connecting" | "open" | "reconnecting" | "closed";

/**
 * A status change. `code` and `reason` are those of the close that caused `reconnecting` or `closed`;
 * `attempt` and `delayMs` say which reconnect attempt is scheduled and when.
 */
export interface StatusEvent {
  status: Status;
  code?: number;
  reason?: string;
  attempt?: number;
  delayMs?: number;
}

/** An `error` message from the server (the connection stays open), or a client-side failure. */
export interface ServerError {
  code: string;
  message: string;
  table?: string;
  ref?: string;
}

/** `resync_required`: the SDK cannot guarantee that no change of `table` was missed; reload it. */
export interface ResyncEvent {
  table: string;
  reason: string;
}

export interface TokenRefreshed {
  expires_at: string | null;
  role: string;
}

export interface PresenceClient<Meta = Record<string, unknown>> {
  client_id: string;
  user_id: string | null;
  metadata: Meta;
}

export interface PresenceState<Meta = Record<string, unknown>> {
  channel: string;
  clients: PresenceClient<Meta>[];
}

export interface PresenceDiff<Meta = Record<string, unknown>> {
  channel: string;
  joins: PresenceClient<Meta>[];
  leaves: PresenceClient<Meta>[];
}

export interface SubscribeOptions {
  /** `{column: value}` equality, applied by the server after RLS. It narrows, it never grants. */
  filter?: Record<string, string | number | boolean | null>;
  /** Resume after this change id: the server first sends every retained change after it, then live ones. */
  since?: number;
  /** Called when the server (or the SDK, after a drop with no position to resume from) asks for a resync. */
  onResync?: (event: ResyncEvent) => void;
  /** Called when the server acknowledges the subscription (after every (re)connect). */
  onSubscribed?: () => void;
  /** Called for a server error about this subscription, e.g. `TABLE_NOT_ENABLED`. */
  onError?: (error: ServerError) => void;
}

export interface ReconnectOptions {
  /** First delay, before jitter (default 500 ms). */
  initialDelayMs?: number;
  /** Largest delay, before jitter (default 30 s). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
}

/**
 * The part of the WHATWG WebSocket the SDK uses: the browser's, Node 22's, or the `ws` package's. Handlers take
 * `any` so that every implementation's own event types fit; the SDK reads `data` of messages and `code` and
 * `reason` of closes.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ConnectionOptions {
  /** A WebSocket implementation; default `globalThis.WebSocket`. In Node 20 pass `WebSocket` of the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /**
   * Without any message for this long the connection is taken as dead and replaced (default 75 000 ms,
   * 2.5 × the server's default 30 s heartbeat interval).
   */
  heartbeatTimeoutMs?: number;
  /** Backoff of reconnects, or `false` never to reconnect. */
  reconnect?: ReconnectOptions | false;
  /** How long `emit` waits for the function's result (default 30 000 ms). */
  emitTimeoutMs?: number;
  /** Called on every `resync_required`, of any table (besides the subscription's own `onResync`). */
  onResync?: (event: ResyncEvent) => void;
  /** Random numbers in [0, 1) for the jitter; tests pass their own. */
  random?: () => number;
}

export interface ClientOptions extends ConnectionOptions {
  /** The server's base URL: `https://host`, `http://127.0.0.1:8080`, or `wss://host`. */
  url: string;
}
