import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createClient, RealtimeError } from "../../dist/index.js";
import { FakeSocket, nextEvent } from "./fake-socket.mjs";

const fast = { WebSocket: FakeSocket, reconnect: { initialDelayMs: 2, maxDelayMs: 10 }, random: () => 0.5 };

function connect(options = {}) {
  const conn = createClient({ url: "http://server.test", ...fast, ...options }).realtime("app_test", "token-1");
  open.push(conn);
  return conn;
}

// a failed assertion must not leave a connection reconnecting forever
const open = [];
afterEach(() => open.splice(0).forEach((c) => c.close()));

beforeEach(() => FakeSocket.reset());

test("presence: track, subscribe and untrack are sent, state and diffs reach the callbacks", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  conn.presence.track({ cursor: { x: 1, y: 2 } }, { channel: "doc-1" }); // remembered until open
  socket.accept();
  assert.deepEqual(socket.ofType("presence_track"), [{ type: "presence_track", metadata: { cursor: { x: 1, y: 2 } }, channel: "doc-1" }]);
  conn.presence.subscribe("lobby", { diffs: true });
  conn.presence.subscribe();
  conn.presence.track({ status: "online" });
  assert.deepEqual(socket.ofType("presence_subscribe"), [{ type: "presence_subscribe", channel: "lobby", diffs: true },
    { type: "presence_subscribe" }]);
  assert.deepEqual(socket.ofType("presence_track")[1], { type: "presence_track", metadata: { status: "online" } });

  const state = nextEvent((cb) => conn.presence.onState(cb), "presence_state");
  const clients = [{ client_id: "client-1", user_id: "alice", metadata: { cursor: { x: 1, y: 2 } } }];
  socket.receive({ type: "presence_state", channel: "doc-1", clients });
  assert.deepEqual(await state, { type: "presence_state", channel: "doc-1", clients });
  const diff = nextEvent((cb) => conn.presence.onDiff(cb), "presence_diff");
  socket.receive({ type: "presence_diff", channel: "lobby", joins: clients, leaves: [] });
  assert.deepEqual((await diff).joins, clients);

  conn.presence.untrack();
  assert.deepEqual(socket.ofType("presence_untrack"), [{ type: "presence_untrack" }]);
  conn.close();
});

test("presence is tracked and subscribed again after a reconnect", async () => {
  const conn = connect();
  const first = await FakeSocket.next();
  first.accept();
  conn.presence.track({ color: "red" }, { channel: "room" });
  conn.presence.track({ color: "blue" }, { channel: "room" }); // replaces
  conn.presence.subscribe("lobby");
  conn.presence.track({ gone: true }, { channel: "other" });
  conn.presence.untrack({ channel: "other" });
  conn.presence.subscribe("left", { diffs: true });
  conn.presence.track({ here: false }, { channel: "left" });
  conn.presence.unsubscribe("left");
  assert.deepEqual(first.ofType("presence_unsubscribe"), [{ type: "presence_unsubscribe", channel: "left" }]);
  first.drop(1012, "service restart");
  const second = await FakeSocket.next();
  second.accept();
  assert.deepEqual(second.sent.filter((m) => m.type.startsWith("presence_")), [
    { type: "presence_subscribe", channel: "lobby" },
    { type: "presence_track", metadata: { color: "blue" }, channel: "room" },
  ]);
  conn.close();
});

test("emit resolves with the function's result and rejects with its error", async () => {
  const conn = connect();
  const socket = await FakeSocket.next();
  const ok = conn.emit("add", { a: 1, b: 2 }); // waits for `connected`
  socket.accept();
  const sent = await socket.sentMatching((m) => m.type === "event");
  assert.deepEqual({ ...sent, ref: undefined }, { type: "event", event: "add", payload: { a: 1, b: 2 }, ref: undefined });
  socket.receive({ type: "event_result", ref: sent.ref, event: "add", status: "ok", result: { sum: 3 } });
  assert.deepEqual(await ok, { sum: 3 });

  const failing = conn.emit("boom", {});
  const boom = socket.ofType("event").at(-1);
  socket.receive({ type: "event_result", ref: boom.ref, event: "boom", status: "error",
    error: { code: "FUNCTION_ERROR", message: "it broke", function: "f2", http_status: 500 }, result: { f1: 1 } });
  await assert.rejects(failing, (e) => e instanceof RealtimeError && e.code === "FUNCTION_ERROR" && e.message === "it broke"
    && e.details.error.http_status === 500 && e.details.result.f1 === 1);

  const refused = conn.emit("unknown", {});
  const unknown = socket.ofType("event").at(-1);
  socket.receive({ type: "error", code: "NO_FUNCTION", message: "no function for event", ref: unknown.ref });
  await assert.rejects(refused, (e) => e.code === "NO_FUNCTION");
  conn.close();
});

test("emit: a drop fails what was sent (never re-sent), a timeout rejects, close rejects the rest", async () => {
  const conn = connect();
  const first = await FakeSocket.next();
  first.accept();
  const inFlight = conn.emit("slow", 1);
  first.drop(1006, "");
  await assert.rejects(inFlight, (e) => e.code === "CONNECTION_LOST");
  const queued = conn.emit("later", 2); // sent on the next connection
  const second = await FakeSocket.next();
  second.accept();
  assert.deepEqual(second.ofType("event").map((m) => m.event), ["later"]);
  second.receive({ type: "event_result", ref: second.ofType("event")[0].ref, event: "later", status: "ok", result: 2 });
  assert.equal(await queued, 2);

  await assert.rejects(conn.emit("never", 3, { timeoutMs: 20 }), (e) => e.code === "TIMEOUT");
  const pending = conn.emit("pending", 4);
  conn.close();
  await assert.rejects(pending, (e) => e.code === "CLOSED");
  await assert.rejects(conn.emit("after", 5), (e) => e.code === "CLOSED");
});
