import { backoffDelay, DEFAULT_RECONNECT, isStopClose } from "./backoff.js";
import { PendingEmits } from "./emits.js";
import { RealtimeError } from "./errors.js";
import { Listeners } from "./listeners.js";
import { Presence } from "./presence.js";
import { TableSubscription } from "./subscription.js";
import { realtimeUrl } from "./url.js";
import type {
  Change,
  ConnectionOptions,
  ReconnectOptions,
  ResyncEvent,
  ServerError,
  Status,
  StatusEvent,
  SubscribeOptions,
  TokenRefreshed,
  WebSocketConstructor,
  WebSocketLike,
} from "./types.js";

export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 75_000;
export const DEFAULT_EMIT_TIMEOUT_MS = 30_000;

/** Close code reported when the SDK gives up on a silent connection (no close frame was received). */
const ABNORMAL_CLOSURE = 1006;

type Message = Record<string, unknown>;

/**
 * One realtime connection of an app: subscriptions, presence and events over a WebSocket that is replaced
 * whenever it drops. Made by `client.realtime(appId, token)`; it connects at once.
 *
 * After a drop it reconnects with exponential backoff and jitter — except after a close that means "stop"
 * (1008: the token was refused or expired; 1013 "Realtime disabled by plan") — then subscribes again with
 * `since` = the last change id it delivered for each table, tracks presence again, and sends the events that
 * were waiting. A change id not after the last one delivered for its table is never delivered.
 *
 * JavaScript is single-threaded: callbacks run on the event loop, one at a time, in message order.
 */
export class RealtimeConnection {
  readonly appId: string;
  readonly presence: Presence;

  private readonly baseUrl: string;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly heartbeatTimeoutMs: number;
  private readonly reconnectOptions: Required<ReconnectOptions> | false;
  private readonly emitTimeoutMs: number;
  private readonly random: () => number;

  private token: string | null;
  private socket: WebSocketLike | null = null;
  /** The token the current socket connected with. */
  private socketToken: string | null = null;
  /** Whether the server said `connected` on the current socket. */
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private currentStatus: Status = "connecting";
  private serverClientId: string | null = null;
  private refSeq = 0;
  private lastSeen = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly subscriptions = new Map<string, TableSubscription>();
  private readonly emits = new PendingEmits();
  /** `access_token` refs waiting for an answer: the token sent and the one it replaced. */
  private readonly tokenRequests = new Map<string, { token: string; previous: string | null }>();
  private readonly statusListeners = new Listeners<StatusEvent>();
  private readonly errorListeners = new Listeners<ServerError>();
  private readonly resyncListeners = new Listeners<ResyncEvent>();
  private readonly tokenListeners = new Listeners<TokenRefreshed>();

  /** Use `client.realtime(appId, token)`. */
  constructor(baseUrl: string, appId: string, token: string | null, options: ConnectionOptions) {
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImpl) {
      throw new TypeError("no WebSocket implementation: pass { WebSocket } (in Node 20: import { WebSocket } from \"ws\")");
    }
    realtimeUrl(baseUrl, appId, null); // fails fast on a bad URL
    this.baseUrl = baseUrl;
    this.appId = appId;
    this.token = token;
    this.WebSocketImpl = WebSocketImpl;
    this.heartbeatTimeoutMs = positive(options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS, "heartbeatTimeoutMs");
    this.reconnectOptions = options.reconnect === false ? false : { ...DEFAULT_RECONNECT, ...(options.reconnect ?? {}) };
    this.emitTimeoutMs = positive(options.emitTimeoutMs ?? DEFAULT_EMIT_TIMEOUT_MS, "emitTimeoutMs");
    this.random = options.random ?? Math.random;
    if (options.onResync) {
      this.resyncListeners.add(options.onResync);
    }
    this.presence = new Presence({ sendIfOpen: (message) => this.send(message) });
    // after the caller had a chance to add listeners
    queueMicrotask(() => this.connect());
  }

  /** The current status. */
  get status(): Status {
    return this.currentStatus;
  }

  /** This connection's id on the server (as in presence entries); changes on every reconnect. */
  get clientId(): string | null {
    return this.serverClientId;
  }

  /**
   * Subscribes to a table's changes; `callback` gets each `change` the user may read, in commit order, once.
   * One subscription per table and connection. Returns a function that unsubscribes.
   */
  subscribe<Row = Record<string, unknown>>(table: string, callback: (change: Change<Row>) => void,
      options: SubscribeOptions = {}): () => void {
    this.requireNotClosed();
    if (this.subscriptions.has(table)) {
      throw new Error(`already subscribed to "${table}" on this connection: call its unsubscribe function first`);
    }
    const subscription = new TableSubscription(table, callback as (change: Change) => void, options);
    this.subscriptions.set(table, subscription);
    if (this.ready) {
      this.sendSubscribe(subscription);
    }
    return () => {
      if (this.subscriptions.get(table) === subscription) {
        this.subscriptions.delete(table);
        this.send({ type: "unsubscribe", table });
      }
    };
  }

  /** The last change id delivered for a table (what a reconnect resumes from), or null. */
  lastChangeId(table: string): number | null {
    return this.subscriptions.get(table)?.lastId ?? null;
  }

  /**
   * Sends an event to the app's functions triggered by it; resolves with their results by function name
   * (`{ on_ping: … }`), rejects with a `RealtimeError` (its `code` from the server, e.g. `EVENT_NOT_FOUND`,
   * `FUNCTION_ERROR`, with the whole `event_result` as `details`; or `TIMEOUT`, `CONNECTION_LOST`, `CLOSED`).
   * An event waits for the connection to be open; one that was sent when the connection dropped is not sent again.
   */
  emit<Result = unknown>(event: string, payload?: unknown, options: { timeoutMs?: number } = {}): Promise<Result> {
    if (this.stopped) {
      return Promise.reject(new RealtimeError("CLOSED", "the connection is closed"));
    }
    const ref = this.nextRef("e");
    const message: Message = { type: "event", event, payload: payload ?? null, ref };
    const result = this.emits.add(ref, message, positive(options.timeoutMs ?? this.emitTimeoutMs, "timeoutMs"));
    if (this.ready) {
      this.flushEmits();
    }
    return result as Promise<Result>;
  }

  /**
   * Replaces the token: sent at once as `access_token` when the connection is open (answered by
   * `onTokenRefreshed`, or `onError` with `INVALID_TOKEN`, after which the previous token is kept), and used by
   * every later reconnect. Call it before the current token expires: the server closes a connection whose
   * token expired with 1008, which is final.
   */
  setToken(token: string): void {
    const previous = this.token;
    this.token = token;
    if (this.ready) {
      this.sendAccessToken(token, previous);
    }
  }

  /** Closes for good: no reconnect; waiting events are rejected with `CLOSED`. */
  close(): void {
    if (this.stopped) {
      return;
    }
    const socket = this.socket;
    this.detach();
    if (socket) {
      try {
        socket.close(1000, "client closed");
      } catch {
        // already closing
      }
    }
    this.stop(1000, "client closed");
  }

  /** Status changes: `connecting`, `open`, `reconnecting` (with the close's code and reason), `closed`. */
  onStatus(callback: (event: StatusEvent) => void): () => void {
    return this.statusListeners.add(callback);
  }

  /** Server `error` messages that are not the answer to an `emit`. */
  onError(callback: (error: ServerError) => void): () => void {
    return this.errorListeners.add(callback);
  }

  /** Every `resync_required`, of any table (each subscription's `onResync` is called too). */
  onResync(callback: (event: ResyncEvent) => void): () => void {
    return this.resyncListeners.add(callback);
  }

  /** `token_refreshed`: the server accepted a token given to `setToken`. */
  onTokenRefreshed(callback: (event: TokenRefreshed) => void): () => void {
    return this.tokenListeners.add(callback);
  }

  // ---- the socket's life

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) {
      return;
    }
    this.setStatus({ status: "connecting" });
    if (this.stopped) {
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(realtimeUrl(this.baseUrl, this.appId, this.token));
    } catch (error) {
      this.dropped(ABNORMAL_CLOSURE, `cannot connect: ${String(error)}`);
      return;
    }
    this.socket = socket;
    this.socketToken = this.token;
    socket.onmessage = (event) => {
      if (this.socket === socket) {
        this.onMessage(event.data);
      }
    };
    socket.onclose = (event) => {
      if (this.socket === socket) {
        this.dropped(event.code, event.reason);
      }
    };
    socket.onerror = () => {
      // a close event follows
    };
    this.watchHeartbeat();
  }

  /** The socket is gone (closed, failed, or given up on): reconnect unless that close means stop. */
  private dropped(code: number, reason: string): void {
    this.detach();
    this.emits.failSent();
    this.tokenRequests.clear();
    if (this.stopped) {
      return;
    }
    if (isStopClose(code, reason) || this.reconnectOptions === false) {
      this.stop(code, reason);
      return;
    }
    this.attempt += 1;
    const delayMs = backoffDelay(this.attempt, this.reconnectOptions, this.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
    this.setStatus({ status: "reconnecting", code, reason, attempt: this.attempt, delayMs });
  }

  private stop(code: number, reason: string): void {
    this.stopped = true;
    this.detach();
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.emits.failAll(new RealtimeError("CLOSED", `the connection is closed (${code} ${reason})`));
    this.setStatus({ status: "closed", code, reason });
  }

  private detach(): void {
    this.ready = false;
    if (this.heartbeatTimer) {
      clearTimeout(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      // keep a no-op: the ws package throws an 'error' event that has no listener
      socket.onerror = () => undefined;
    }
  }

  /** Any message counts; without one for `heartbeatTimeoutMs` the socket is abandoned (it may never close). */
  private watchHeartbeat(): void {
    this.lastSeen = Date.now();
    const check = (delay: number) => {
      this.heartbeatTimer = setTimeout(() => {
        const idle = Date.now() - this.lastSeen;
        if (idle < this.heartbeatTimeoutMs) {
          check(this.heartbeatTimeoutMs - idle);
          return;
        }
        const socket = this.socket;
        this.detach();
        try {
          socket?.close(4000, "heartbeat timeout");
        } catch {
          // nothing more to do for a dead socket
        }
        this.dropped(ABNORMAL_CLOSURE, `no message from the server for ${this.heartbeatTimeoutMs} ms`);
      }, delay);
    };
    check(this.heartbeatTimeoutMs);
  }

  // ---- messages

  private onMessage(data: unknown): void {
    this.lastSeen = Date.now();
    let message: Message;
    try {
      const parsed: unknown = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer));
      if (!parsed || typeof parsed !== "object" || typeof (parsed as Message).type !== "string") {
        return;
      }
      message = parsed as Message;
    } catch {
      return;
    }
    switch (message.type) {
      case "connected":
        this.onConnected(message);
        break;
      case "change":
        this.subscriptions.get(message.table as string)?.deliver(message as unknown as Change);
        break;
      case "subscribed":
        this.subscriptions.get(message.table as string)?.subscribed(message.id);
        break;
      case "resync_required":
        this.resync({ table: message.table as string, reason: String(message.reason ?? "") });
        break;
      case "token_refreshed":
        this.tokenRequests.delete(message.ref as string);
        this.tokenListeners.emit({ expires_at: (message.expires_at as string | null) ?? null, role: message.role as string });
        break;
      case "presence_state":
      case "presence_diff":
        this.presence.handle(message);
        break;
      case "event_result":
        this.onEventResult(message);
        break;
      case "error":
        this.onServerError(message);
        break;
      default:
        // heartbeat, and types added later
        break;
    }
  }

  private onConnected(message: Message): void {
    this.ready = true;
    this.attempt = 0;
    this.serverClientId = typeof message.client_id === "string" ? message.client_id : null;
    if (this.token !== null && this.token !== this.socketToken) {
      // setToken was called while this socket was connecting with the old one
      this.sendAccessToken(this.token, this.socketToken);
    }
    for (const subscription of this.subscriptions.values()) {
      this.sendSubscribe(subscription);
    }
    for (const presenceMessage of this.presence.resumeMessages()) {
      this.send(presenceMessage);
    }
    this.flushEmits();
    this.setStatus({ status: "open" });
  }

  private sendSubscribe(subscription: TableSubscription): void {
    const { message, resync } = subscription.subscribeMessage(this.nextRef("s"));
    if (resync) {
      this.resync(resync);
    }
    this.send(message);
  }

  private resync(event: ResyncEvent): void {
    this.subscriptions.get(event.table)?.resync(event);
    this.resyncListeners.emit(event);
  }

  private onEventResult(message: Message): void {
    const ref = message.ref as string;
    if (message.status === "ok") {
      this.emits.resolve(ref, message.result ?? null);
      return;
    }
    const error = message.error;
    const code = isObject(error) && typeof error.code === "string" ? error.code : "EVENT_FAILED";
    const text = isObject(error) && typeof error.message === "string" ? error.message
      : typeof error === "string" ? error : `event "${String(message.event)}" failed`;
    this.emits.reject(ref, new RealtimeError(code, text, message));
  }

  private onServerError(message: Message): void {
    const error: ServerError = { code: String(message.code), message: String(message.message ?? "") };
    if (typeof message.table === "string") {
      error.table = message.table;
    }
    if (typeof message.ref === "string") {
      error.ref = message.ref;
      if (this.emits.has(message.ref)) {
        this.emits.reject(message.ref, new RealtimeError(error.code, error.message, message));
        return;
      }
      const request = this.tokenRequests.get(message.ref);
      if (request) {
        this.tokenRequests.delete(message.ref);
        if (this.token === request.token) {
          this.token = request.previous;
        }
      }
    }
    if (error.table !== undefined) {
      this.subscriptions.get(error.table)?.error(error);
    }
    this.errorListeners.emit(error);
  }

  private sendAccessToken(token: string, previous: string | null): void {
    const ref = this.nextRef("t");
    this.tokenRequests.set(ref, { token, previous });
    this.send({ type: "access_token", token, ref });
  }

  private flushEmits(): void {
    for (const message of this.emits.takeUnsent()) {
      this.send(message);
    }
  }

  /** Sends on the current socket once the server said `connected`; otherwise drops it (all is re-sent then). */
  private send(message: Message): void {
    if (!this.ready || !this.socket) {
      return;
    }
    try {
      this.socket.send(JSON.stringify(message));
    } catch {
      // the socket is closing; its close event triggers the reconnect that re-sends
    }
  }

  private setStatus(event: StatusEvent): void {
    this.currentStatus = event.status;
    this.statusListeners.emit(event);
  }

  private nextRef(prefix: string): string {
    this.refSeq += 1;
    return `${prefix}${this.refSeq}`;
  }

  private requireNotClosed(): void {
    if (this.stopped) {
      throw new RealtimeError("CLOSED", "the connection is closed");
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
