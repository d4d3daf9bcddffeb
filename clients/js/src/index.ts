export { createClient } from "./client.js";
export type { RealtimeClient } from "./client.js";
export { RealtimeConnection, DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_EMIT_TIMEOUT_MS } from "./connection.js";
export { Presence } from "./presence.js";
export { RealtimeError } from "./errors.js";
export { backoffDelay, isStopClose, DEFAULT_RECONNECT } from "./backoff.js";
export { realtimeUrl } from "./url.js";
export { NO_POSITION_REASON } from "./subscription.js";
export type * from "./types.js";
