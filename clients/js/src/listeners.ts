/** A set of callbacks; one throwing never stops the others. */
export class Listeners<T> {
  private readonly callbacks = new Set<(value: T) => void>();

  add(callback: (value: T) => void): () => void {
    this.callbacks.add(callback);
    return () => {
      this.callbacks.delete(callback);
    };
  }

  get size(): number {
    return this.callbacks.size;
  }

  emit(value: T): void {
    for (const callback of [...this.callbacks]) {
      safeCall(callback, value);
    }
  }
}

/** Calls an application callback; its exception is reported, never thrown into the SDK's message loop. */
export function safeCall<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) {
    return;
  }
  try {
    callback(value);
  } catch (error) {
    console.error("@butterbase/realtime: a callback threw", error);
  }
}
