/**
 * A failure reported by the server (`error` or `event_result` with status `error`) or by the SDK:
 * `CONNECTION_LOST` (the connection dropped before the answer), `TIMEOUT`, `CLOSED` (the connection is closed).
 */
export class RealtimeError extends Error {
  readonly code: string;
  /** The server's message as sent (`event_result` or `error`), when it came from the server. */
  readonly details: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = "RealtimeError";
    this.code = code;
    this.details = details;
  }
}
