import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, DEFAULT_RECONNECT, isStopClose, realtimeUrl } from "../../dist/index.js";

test("the realtime URL is built from an http(s) or ws(s) base, with the token in the query", () => {
  assert.equal(realtimeUrl("http://127.0.0.1:8080", "app_1", "a.b.c"), "ws://127.0.0.1:8080/v1/app_1/realtime?token=a.b.c");
  assert.equal(realtimeUrl("https://api.example.com/", "app_1", null), "wss://api.example.com/v1/app_1/realtime");
  assert.equal(realtimeUrl("wss://h/base/", "app 1", "x+y="), "wss://h/base/v1/app%201/realtime?token=x%2By%3D");
  assert.equal(realtimeUrl("ws://h:1", "a", ""), "ws://h:1/v1/a/realtime");
  assert.throws(() => realtimeUrl("ftp://h", "a", null), /http\(s\) or ws\(s\)/);
});

test("backoff grows exponentially up to the cap, with equal jitter", () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options, () => 0)), [50, 100, 200, 400, 500, 500]);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options, () => 0.999999)), [100, 200, 400, 800, 1000, 1000]);
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3, DEFAULT_RECONNECT, Math.random);
    assert.ok(d >= 1000 && d <= 2000, `${d}`);
  }
});

test("only authentication failures and a plan without realtime stop reconnecting", () => {
  assert.equal(isStopClose(1008, "token expired"), true);
  assert.equal(isStopClose(1008, "authentication required"), true);
  assert.equal(isStopClose(1013, "Realtime disabled by plan"), true);
  assert.equal(isStopClose(1013, "plan limit: maxRealtimeListenersPerApp"), false);
  assert.equal(isStopClose(1013, "slow consumer: outbound buffer full"), false);
  assert.equal(isStopClose(1000, "heartbeat missed"), false);
  assert.equal(isStopClose(1006, ""), false);
  assert.equal(isStopClose(1012, "service restart"), false);
});
