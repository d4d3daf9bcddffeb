import { Listeners } from "./listeners.js";
import type { PresenceDiff, PresenceState } from "./types.js";

/** What presence needs from the connection. */
export interface PresenceTransport {
  /** Sends now when open; otherwise drops it (everything is sent again on open). */
  sendIfOpen(message: Record<string, unknown>): void;
}

/** The key of the server's default channel (named "default" in its messages) when no `channel` is given. */
const DEFAULT = "\u0000default";

/**
 * Presence on a connection. What is tracked and subscribed is remembered and sent again after every reconnect
 * (the server forgets a connection's presence when it drops).
 */
export class Presence {
  private readonly transport: PresenceTransport;
  private readonly tracked = new Map<string, { metadata: unknown; channel?: string }>();
  private readonly subscribed = new Map<string, { channel?: string; diffs: boolean }>();
  private readonly stateListeners = new Listeners<PresenceState>();
  private readonly diffListeners = new Listeners<PresenceDiff>();

  constructor(transport: PresenceTransport) {
    this.transport = transport;
  }

  /**
   * Announces this client in `channel` (default: the app-wide channel, "default" in messages) with `metadata` (a
   * JSON object), or replaces it. Answered by the channel's next `presence_state`.
   */
  track(metadata: unknown, options: { channel?: string } = {}): void {
    const entry = options.channel === undefined ? { metadata } : { metadata, channel: options.channel };
    this.tracked.set(options.channel ?? DEFAULT, entry);
    this.transport.sendIfOpen(trackMessage(entry));
  }

  /** Removes this client's entry from `channel`. */
  untrack(options: { channel?: string } = {}): void {
    this.tracked.delete(options.channel ?? DEFAULT);
    const message: Record<string, unknown> = { type: "presence_untrack" };
    if (options.channel !== undefined) {
      message.channel = options.channel;
    }
    this.transport.sendIfOpen(message);
  }

  /**
   * Watches a channel (default: the server's default channel) without tracking in it: `presence_state` first,
   * then full states, or diffs with `{ diffs: true }`.
   */
  subscribe(channel?: string, options: { diffs?: boolean } = {}): void {
    const entry = channel === undefined ? { diffs: options.diffs === true } : { channel, diffs: options.diffs === true };
    this.subscribed.set(channel ?? DEFAULT, entry);
    this.transport.sendIfOpen(subscribeMessage(entry));
  }

  /** Leaves a channel: this client's entry is removed and no more messages of it arrive. */
  unsubscribe(channel?: string): void {
    this.subscribed.delete(channel ?? DEFAULT);
    this.tracked.delete(channel ?? DEFAULT);
    const message: Record<string, unknown> = { type: "presence_unsubscribe" };
    if (channel !== undefined) {
      message.channel = channel;
    }
    this.transport.sendIfOpen(message);
  }

  /** Full states: `{channel, clients}`. Returns a function that removes the callback. */
  onState(callback: (state: PresenceState) => void): () => void {
    return this.stateListeners.add(callback);
  }

  /** Changes (with `subscribe(channel, { diffs: true })`): `{channel, joins, leaves}`. */
  onDiff(callback: (diff: PresenceDiff) => void): () => void {
    return this.diffListeners.add(callback);
  }

  /** @internal Messages to send on a new connection. */
  resumeMessages(): Record<string, unknown>[] {
    return [...[...this.subscribed.values()].map(subscribeMessage), ...[...this.tracked.values()].map(trackMessage)];
  }

  /** @internal */
  handle(message: Record<string, unknown>): void {
    if (message.type === "presence_state") {
      this.stateListeners.emit(message as unknown as PresenceState);
    } else if (message.type === "presence_diff") {
      this.diffListeners.emit(message as unknown as PresenceDiff);
    }
  }
}

function trackMessage(entry: { metadata: unknown; channel?: string }): Record<string, unknown> {
  const message: Record<string, unknown> = { type: "presence_track", metadata: entry.metadata };
  if (entry.channel !== undefined) {
    message.channel = entry.channel;
  }
  return message;
}

function subscribeMessage(entry: { channel?: string; diffs: boolean }): Record<string, unknown> {
  const message: Record<string, unknown> = { type: "presence_subscribe" };
  if (entry.channel !== undefined) {
    message.channel = entry.channel;
  }
  if (entry.diffs) {
    message.diffs = true;
  }
  return message;
}
