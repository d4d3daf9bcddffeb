// Compiled (not run) by `npm test`: the README's example and the public types, against the built .d.ts.
import { createClient, RealtimeError, type Change, type StatusEvent } from "../../dist/index.js";

declare const appId: string;
declare const userJwt: string;
declare const freshJwt: string;
declare function render(op: Change["op"], record: Change["record"]): void;
declare function reloadMessages(): void;
declare function drawCursors(channel: string, clients: { client_id: string; metadata: unknown }[]): void;

export async function example(): Promise<void> {
  const client = createClient({ url: "https://api.example.com", WebSocket: globalThis.WebSocket });
  const realtime = client.realtime(appId, userJwt, { heartbeatTimeoutMs: 90_000, reconnect: { maxDelayMs: 10_000 } });
  realtime.onStatus((s: StatusEvent) => console.log(s.status, s.code ?? "", s.reason ?? ""));
  const unsubscribe: () => void = realtime.subscribe("messages", (change) => render(change.op, change.record),
    { filter: { room_id: "r1" }, onResync: () => reloadMessages() });
  realtime.presence.track({ cursor: { x: 10, y: 20 } }, { channel: "doc-42" });
  realtime.presence.onState(({ channel, clients }) => drawCursors(channel, clients));
  try {
    const { on_ping } = await realtime.emit<{ on_ping: unknown }>("ping", { hello: "world" });
    console.log(on_ping);
  } catch (error) {
    if (error instanceof RealtimeError) {
      console.log(error.code, error.details);
    }
  }
  realtime.setToken(freshJwt);
  unsubscribe();
  realtime.close();
}
