// A fake WebSocket for unit tests: records what the SDK sends and lets a test play the server.

export class FakeSocket {
  static instances = [];
  static waiters = [];

  static reset() {
    FakeSocket.instances = [];
    FakeSocket.waiters = [];
  }

  /** Resolves with the next socket the SDK creates (or one already created and not yet taken). */
  static next(timeoutMs = 2000) {
    const taken = FakeSocket.instances.find((s) => !s.taken);
    if (taken) {
      taken.taken = true;
      return Promise.resolve(taken);
    }
    return withTimeout(new Promise((resolve) => FakeSocket.waiters.push(resolve)), timeoutMs, "a new socket");
  }

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    this.taken = false;
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    this.sendWaiters = [];
    FakeSocket.instances.push(this);
    const waiter = FakeSocket.waiters.shift();
    if (waiter) {
      this.taken = true;
      waiter(this);
    }
  }

  get token() {
    return new URL(this.url).searchParams.get("token");
  }

  send(data) {
    const message = JSON.parse(data);
    this.sent.push(message);
    this.sendWaiters = this.sendWaiters.filter(({ predicate, resolve }) => {
      if (predicate(message)) {
        resolve(message);
        return false;
      }
      return true;
    });
  }

  close(code, reason) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  // ---- the server's side

  /** Opens and says `connected`, as the server does. */
  accept(clientId = "client-1") {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ type: "connected", app_id: "app_test", role: "butterbase_user", client_id: clientId });
  }

  receive(message) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The server (or the network) closes the connection. */
  drop(code = 1006, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Resolves with the first message sent (already or later) that matches. */
  sentMatching(predicate, timeoutMs = 2000) {
    const found = this.sent.find(predicate);
    if (found) {
      return Promise.resolve(found);
    }
    return withTimeout(new Promise((resolve) => this.sendWaiters.push({ predicate, resolve })), timeoutMs,
      "a sent message matching " + predicate);
  }

  ofType(type) {
    return this.sent.filter((m) => m.type === type);
  }
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the next status event matching `status` (and `predicate`). */
export function nextStatus(connection, status, predicate = () => true, timeoutMs = 2000) {
  return withTimeout(new Promise((resolve) => {
    const off = connection.onStatus((event) => {
      if (event.status === status && predicate(event)) {
        off();
        resolve(event);
      }
    });
  }), timeoutMs, `status ${status}`);
}

/** Resolves with the next value passed to a callback registered by `register(cb)`. */
export function nextEvent(register, what, timeoutMs = 2000) {
  return withTimeout(new Promise((resolve) => {
    const off = register((value) => {
      off?.();
      resolve(value);
    });
  }), timeoutMs, what);
}

export function change(id, table = "notes", body = `row ${id}`) {
  return { type: "change", id, table, op: "INSERT", record: { id, body }, old_record: null, timestamp: "2025-01-01T00:00:00Z" };
}
