import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createClient, NO_POSITION_REASON } from "../../dist/index.js";
import { change, FakeSocket, nextEvent, nextStatus } from "./fake-socket.mjs";

const fast = { WebSocket: FakeSocket, reconnect: { initialDelayMs: 2, maxDelayMs: 10 }, random: () => 0.5 };

function connect(options = {}, token = "token-1") {
  const conn = createClient({ url: "http://server.test", ...fast, ...options }).realtime("app_test", token);
  open.push(conn);
  return conn;
}

// a failed assertion must not leave a connection reconnecting forever
const open = [];
afterEach(() => open.splice(0).forEach((c) => c.close()));

beforeEach(() => FakeSocket.reset());

test("connects with the token, reports open on `connected`, subscribes with filter and delivers changes", async () => {
  const conn = connect();
  const statuses = [];
  conn.onStatus((e) => statuses.push(e.status));
  const socket = await FakeSocket.next();
  assert.equal(socket.url, "ws://server.test/v1/app_test/realtime?token=token-1");
  const got = [];
  let subscribed = 0;
  conn.subscribe("notes", (c) => got.push(c.id), { filter: { room: "r1" }, onSubscribed: () => subscribed++ });
  assert.equal(socket.sent.length, 0, "nothing is sent before `connected`");
  socket.accept();
  assert.equal(conn.status, "open");
  assert.equal(conn.clientId, "client-1");
  const sub = socket.ofType("subscribe")[0];
  assert.deepEqual({ ...sub, ref: undefined }, { type: "subscribe", table: "notes", filter: { room: "r1" }, ref: undefined });
  assert.ok(sub.ref, "every request carries a ref");
  socket.receive({ type: "subscribed", table: "notes", ref: sub.ref });
  socket.receive(change(3));
  socket.receive(change(7));
  socket.receive(change(5, "other"));
  assert.deepEqual(got, [3, 7]);
  assert.equal(subscribed, 1);
  assert.equal(conn.lastChangeId("notes"), 7);
  assert.deepEqual(statuses, ["connecting", "open"]);
  conn.close();
});

test("a change id not after the last delivered one is never delivered", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  const got = [];
  conn.subscribe("notes", (c) => got.push(c.id));
  socket.accept();
  for (const id of [1, 2, 2, 1, 4, 3, 5]) {
    socket.receive(change(id));
  }
  assert.deepEqual(got, [1, 2, 4, 5]);
  conn.close();
});

test("after a drop it reconnects and resumes each table from the last delivered change id", async () => {
  const conn = connect();
  const first = await FakeSocket.next();
  const got = [];
  conn.subscribe("notes", (c) => got.push(c.id));
  conn.subscribe("tasks", () => {}, { since: 40 });
  first.accept();
  assert.equal(first.ofType("subscribe").find((m) => m.table === "tasks").since, 40);
  first.receive(change(11));
  first.receive(change(12));
  const reconnecting = nextStatus(conn, "reconnecting");
  first.drop(1006, "");
  const event = await reconnecting;
  assert.deepEqual({ code: event.code, attempt: event.attempt }, { code: 1006, attempt: 1 });
  const second = await FakeSocket.next();
  second.accept("client-2");
  const subs = second.ofType("subscribe");
  assert.equal(subs.find((m) => m.table === "notes").since, 12);
  assert.equal(subs.find((m) => m.table === "tasks").since, 40);
  // the backlog may overlap what was delivered: only newer ids get through
  second.receive(change(12));
  second.receive(change(13));
  assert.deepEqual(got, [11, 12, 13]);
  assert.equal(conn.clientId, "client-2");
  conn.close();
});

test("a resumed subscription that never had a position surfaces resync_required", async () => {
  const resyncs = [];
  const conn = connect({ onResync: (e) => resyncs.push(["connection", e.table]) });
  const first = await FakeSocket.next();
  conn.subscribe("quiet", () => {}, { onResync: (e) => resyncs.push(["subscription", e.table, e.reason]) });
  first.accept();
  first.drop(1006, "");
  const second = await FakeSocket.next();
  second.accept();
  assert.equal(second.ofType("subscribe")[0].since, undefined);
  assert.deepEqual(resyncs, [["subscription", "quiet", NO_POSITION_REASON], ["connection", "quiet"]]);
  conn.close();
});

test("the id of subscribed is the resume point of a subscription that has not had a change yet", async () => {
  const resyncs = [];
  const conn = connect({ onResync: (e) => resyncs.push(e.table) });
  const first = await FakeSocket.next();
  const got = [];
  conn.subscribe("quiet", (c) => got.push(c.id));
  first.accept();
  first.receive({ type: "subscribed", table: "quiet", id: 77 });
  first.drop(1006, "");
  const second = await FakeSocket.next();
  second.accept();
  assert.equal(second.ofType("subscribe")[0].since, 77);
  second.receive(change(78, "quiet"));
  assert.deepEqual(got, [78]);
  assert.deepEqual(resyncs, []);
  conn.close();
});

test("the server's resync_required is surfaced and restarts the position", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  const got = [];
  const resynced = new Promise((resolve) => conn.subscribe("notes", (c) => got.push(c.id), { since: 900, onResync: resolve }));
  socket.accept();
  socket.receive({ type: "resync_required", table: "notes", reason: "changes after id 900 are no longer retained" });
  assert.equal((await resynced).reason, "changes after id 900 are no longer retained");
  socket.receive(change(5));
  assert.deepEqual(got, [5], "live changes after a resync are delivered even with lower ids");
  conn.close();
});

test("1008 and 1013 'Realtime disabled by plan' stop; a 1013 plan limit is retried with growing delays", async () => {
  for (const [code, reason] of [[1008, "token expired"], [1008, "invalid token"], [1013, "Realtime disabled by plan"]]) {
    FakeSocket.reset();
    const conn = connect();
    const socket = await FakeSocket.next();
    socket.accept();
    const closed = nextStatus(conn, "closed");
    socket.drop(code, reason);
    assert.deepEqual(await closed, { status: "closed", code, reason });
    assert.equal(FakeSocket.instances.length, 1, `no reconnect after ${code} ${reason}`);
    assert.throws(() => conn.subscribe("t", () => {}), /closed/);
  }
  FakeSocket.reset();
  const conn = connect({ random: () => 0 });
  const attempts = [];
  conn.onStatus((e) => e.status === "reconnecting" && attempts.push([e.attempt, e.delayMs, e.code]));
  let socket = await FakeSocket.next();
  for (let i = 0; i < 3; i++) {
    socket.drop(1013, "plan limit: maxRealtimeListenersPerApp"); // refused before `connected`
    socket = await FakeSocket.next();
  }
  assert.deepEqual(attempts, [[1, 1, 1013], [2, 2, 1013], [3, 4, 1013]]);
  socket.accept();
  socket.drop(1006, "");
  assert.deepEqual(attempts.at(-1), [1, 1, 1006], "the attempt count restarts after `connected`");
  conn.close();
});

test("a connection silent for heartbeatTimeoutMs is abandoned and replaced", async () => {
  const conn = connect({ heartbeatTimeoutMs: 60 });
  const first = await FakeSocket.next();
  first.accept();
  const reconnecting = nextStatus(conn, "reconnecting");
  // heartbeats every 10 ms keep it alive well past the timeout
  await new Promise((resolve) => {
    let beats = 0;
    const keepAlive = setInterval(() => {
      first.receive({ type: "heartbeat", timestamp: "t" });
      if (++beats === 15) {
        clearInterval(keepAlive);
        resolve();
      }
    }, 10);
  });
  assert.equal(FakeSocket.instances.length, 1, "not replaced while heartbeats arrive");
  const event = await reconnecting;
  assert.equal(event.code, 1006);
  assert.match(event.reason, /no message from the server for 60 ms/);
  assert.deepEqual(first.closedWith, { code: 4000, reason: "heartbeat timeout" });
  const second = await FakeSocket.next();
  second.accept();
  assert.equal(conn.status, "open");
  conn.close();
});

test("setToken sends access_token when open, is used on reconnect, and a refused token is rolled back", async () => {
  const conn = connect();
  const first = await FakeSocket.next();
  conn.setToken("token-early"); // before `connected`: sent once the server says connected
  first.accept();
  const early = first.ofType("access_token")[0];
  assert.equal(early.token, "token-early");
  const refreshed = nextEvent((cb) => conn.onTokenRefreshed(cb), "token_refreshed");
  first.receive({ type: "token_refreshed", expires_at: "2030-01-01T00:00:00Z", role: "butterbase_user", ref: early.ref });
  assert.deepEqual(await refreshed, { expires_at: "2030-01-01T00:00:00Z", role: "butterbase_user" });

  conn.setToken("token-bad");
  const bad = first.ofType("access_token")[1];
  const error = nextEvent((cb) => conn.onError(cb), "error");
  first.receive({ type: "error", code: "INVALID_TOKEN", message: "token expired", ref: bad.ref });
  assert.equal((await error).code, "INVALID_TOKEN");

  first.drop(1006, "");
  const second = await FakeSocket.next();
  assert.equal(second.token, "token-early", "the refused token is not used to reconnect");
  second.accept();
  assert.equal(second.ofType("access_token").length, 0, "the new socket connected with the current token");
  conn.setToken("token-2");
  assert.equal(second.ofType("access_token")[0].token, "token-2");
  second.drop(1006, "");
  assert.equal((await FakeSocket.next()).token, "token-2");
  conn.close();
});

test("close() closes the socket with 1000, reports closed and never reconnects", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  socket.accept();
  const closed = nextStatus(conn, "closed");
  conn.close();
  assert.deepEqual(await closed, { status: "closed", code: 1000, reason: "client closed" });
  assert.deepEqual(socket.closedWith, { code: 1000, reason: "client closed" });
  socket.drop(1000, "");
  assert.equal(FakeSocket.instances.length, 1);
});

test("unsubscribe sends unsubscribe and stops delivery; a second subscription to a table is refused", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  socket.accept();
  const got = [];
  const unsubscribe = conn.subscribe("notes", (c) => got.push(c.id));
  assert.throws(() => conn.subscribe("notes", () => {}), /already subscribed/);
  socket.receive(change(1));
  unsubscribe();
  assert.deepEqual(socket.ofType("unsubscribe"), [{ type: "unsubscribe", table: "notes" }]);
  socket.receive(change(2));
  assert.deepEqual(got, [1]);
  conn.subscribe("notes", (c) => got.push(c.id));
  conn.close();
});

test("server errors go to the subscription and to onError, with the ref", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  const subError = new Promise((resolve) => conn.subscribe("nope", () => {}, { onError: resolve }));
  socket.accept();
  const ref = socket.ofType("subscribe")[0].ref;
  const any = nextEvent((cb) => conn.onError(cb), "error");
  socket.receive({ type: "error", code: "TABLE_NOT_ENABLED", message: "not enabled", table: "nope", ref });
  assert.deepEqual(await subError, { code: "TABLE_NOT_ENABLED", message: "not enabled", table: "nope", ref });
  assert.equal((await any).ref, ref);
  conn.close();
});

test("without a WebSocket implementation it says how to pass one", () => {
  const saved = globalThis.WebSocket;
  try {
    globalThis.WebSocket = undefined;
    assert.throws(() => createClient({ url: "http://h" }).realtime("a", "t"), /pass \{ WebSocket \}/);
  } finally {
    globalThis.WebSocket = saved;
  }
});
