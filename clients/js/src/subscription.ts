import { safeCall } from "./listeners.js";
import type { Change, ResyncEvent, ServerError, SubscribeOptions } from "./types.js";

/** Why the SDK itself asks for a resync after a reconnect. */
export const NO_POSITION_REASON =
  "the connection dropped before any change of this table arrived, so there is no change id to resume from; " +
  "changes made while disconnected may be missing";

/**
 * One table's subscription: its callback, filter and position (the last change id delivered). The position
 * survives reconnects, so the SDK resumes with `since` and never delivers a change id twice or out of order.
 */
export class TableSubscription {
  readonly table: string;
  private readonly callback: (change: Change) => void;
  private readonly options: SubscribeOptions;
  /** The last change id delivered (or the `since` asked for); null: no position. */
  private position: number | null;
  /** Whether a subscribe was sent on an earlier connection (so a new one is a resume). */
  private sentBefore = false;

  constructor(table: string, callback: (change: Change) => void, options: SubscribeOptions) {
    this.table = table;
    this.callback = callback;
    this.options = options;
    this.position = options.since ?? null;
  }

  get lastId(): number | null {
    return this.position;
  }

  /**
   * The `subscribe` message for a new connection. A resume without a position cannot be gap-free: the returned
   * `resync` tells the caller to surface that.
   */
  subscribeMessage(ref: string): { message: Record<string, unknown>; resync: ResyncEvent | null } {
    const message: Record<string, unknown> = { type: "subscribe", table: this.table, ref };
    if (this.options.filter) {
      message.filter = this.options.filter;
    }
    let resync: ResyncEvent | null = null;
    if (this.position !== null) {
      message.since = this.position;
    } else if (this.sentBefore) {
      resync = { table: this.table, reason: NO_POSITION_REASON };
    }
    this.sentBefore = true;
    return { message, resync };
  }

  /** Delivers a change unless its id is not after the position (a duplicate or a replay). */
  deliver(change: Change): boolean {
    if (this.position !== null && change.id <= this.position) {
      return false;
    }
    this.position = change.id;
    safeCall(this.callback, change);
    return true;
  }

  /** After a resync the old position means nothing (the ids may even have restarted): start over. */
  resync(event: ResyncEvent): void {
    this.position = null;
    safeCall(this.options.onResync, event);
  }

  /** The server's answer; its `id` (the change id the subscription starts after) is the resume point until a change arrives. */
  subscribed(id?: unknown): void {
    if (this.position === null && typeof id === "number") {
      this.position = id;
    }
    safeCall(this.options.onSubscribed, undefined);
  }

  error(error: ServerError): void {
    safeCall(this.options.onError, error);
  }
}
