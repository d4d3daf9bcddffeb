import { RealtimeError } from "./errors.js";

interface Pending {
  message: Record<string, unknown>;
  resolve: (result: unknown) => void;
  reject: (error: RealtimeError) => void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

/**
 * `event` messages waiting for their `event_result`, by ref. Events are not idempotent: one sent on a connection
 * that drops is failed with `CONNECTION_LOST`, never sent again; one not yet sent waits for the next connection.
 */
export class PendingEmits {
  private readonly pending = new Map<string, Pending>();

  add(ref: string, message: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new RealtimeError("TIMEOUT", `no result for event "${String(message.event)}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(ref, { message, resolve, reject, timer, sent: false });
    });
  }

  /** Messages not sent yet, in order; marks them sent. */
  takeUnsent(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const p of this.pending.values()) {
      if (!p.sent) {
        p.sent = true;
        out.push(p.message);
      }
    }
    return out;
  }

  has(ref: string): boolean {
    return this.pending.has(ref);
  }

  resolve(ref: string, result: unknown): void {
    const p = this.take(ref);
    p?.resolve(result);
  }

  reject(ref: string, error: RealtimeError): void {
    const p = this.take(ref);
    p?.reject(error);
  }

  /** The connection dropped: what was sent has no answer coming. */
  failSent(): void {
    for (const [ref, p] of [...this.pending]) {
      if (p.sent) {
        this.reject(ref, new RealtimeError("CONNECTION_LOST",
          `the connection dropped before the result of event "${String(p.message.event)}"; it may or may not have run`));
      }
    }
  }

  failAll(error: RealtimeError): void {
    for (const ref of [...this.pending.keys()]) {
      this.reject(ref, error);
    }
  }

  private take(ref: string): Pending | undefined {
    const p = this.pending.get(ref);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(ref);
    }
    return p;
  }
}
