/**
 * The realtime endpoint of an app: `ws(s)://host[/prefix]/v1/{appId}/realtime?token=…` from a base URL given
 * as http(s) or ws(s). Browsers cannot set headers on the upgrade, so the token goes in the query string.
 */
export function realtimeUrl(base: string, appId: string, token: string | null | undefined): string {
  const match = /^(https?|wss?):\/\/([^/?#]+)([^?#]*)/i.exec(base.trim());
  if (!match) {
    throw new TypeError(`url must be an http(s) or ws(s) URL, got "${base}"`);
  }
  const scheme = match[1].toLowerCase();
  const wsScheme = scheme === "https" || scheme === "wss" ? "wss" : "ws";
  const prefix = match[3].replace(/\/+$/, "");
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  return `${wsScheme}://${match[2]}${prefix}/v1/${encodeURIComponent(appId)}/realtime${query}`;
}
