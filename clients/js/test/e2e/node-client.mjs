// The built SDK in Node 20 with the `ws` package, for the Java end-to-end test.
// Usage: node node-client.mjs <serverUrl> <appId> <token> <table>
// Prints one JSON line per event: {"event":"status"|"subscribed"|"change"|"token_refreshed"|"resync"|"error",…}.
// Reads commands on stdin: {"op":"setToken","token":"…"}, {"op":"emit","event":"…","payload":…} (→ "emit_result"). Closes the connection and exits when stdin ends.
import { createInterface } from "node:readline";
import { WebSocket } from "ws";
import { createClient } from "../../dist/index.js";

const [serverUrl, appId, token, table] = process.argv.slice(2);
const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");

const conn = createClient({ url: serverUrl, WebSocket }).realtime(appId, token, {
  reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
});
conn.onStatus((event) => out({ event: "status", ...event }));
conn.onTokenRefreshed((refreshed) => out({ event: "token_refreshed", ...refreshed }));
conn.onResync((resync) => out({ event: "resync", ...resync }));
conn.onError((error) => out({ event: "error", ...error }));
conn.subscribe(table, (change) => out({ event: "change", id: change.id, op: change.op, record: change.record }), {
  onSubscribed: () => out({ event: "subscribed" }),
});

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  if (command.op === "setToken") {
    conn.setToken(command.token);
  } else if (command.op === "emit") {
    conn.emit(command.event, command.payload).then(
      (result) => out({ event: "emit_result", ok: true, result }),
      (error) => out({ event: "emit_result", ok: false, code: error.code }));
  }
}
conn.close();
