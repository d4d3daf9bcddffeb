import { RealtimeConnection } from "./connection.js";
import { realtimeUrl } from "./url.js";
import type { ClientOptions, ConnectionOptions } from "./types.js";

/** A Butterbase Realtime server; `realtime(appId, token)` opens a connection to one of its apps. */
export interface RealtimeClient {
  readonly url: string;
  /**
   * Opens (at once) a connection to an app. `token` is an end-user JWT, or null for an anonymous client of a
   * `public` app. Options given here override those of `createClient`.
   */
  realtime(appId: string, token?: string | null, options?: ConnectionOptions): RealtimeConnection;
}

/** `createClient({ url })` — `url` is the server's base URL, http(s) or ws(s). */
export function createClient(options: ClientOptions): RealtimeClient {
  const { url, ...defaults } = options;
  realtimeUrl(url, "app", null); // fails fast on a bad URL
  return {
    url,
    realtime(appId: string, token?: string | null, connectionOptions: ConnectionOptions = {}): RealtimeConnection {
      return new RealtimeConnection(url, appId, token ?? null, { ...defaults, ...connectionOptions });
    },
  };
}
