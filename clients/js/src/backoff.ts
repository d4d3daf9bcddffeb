import type { ReconnectOptions } from "./types.js";

export const DEFAULT_RECONNECT: Required<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
};

/**
 * The delay before reconnect attempt `attempt` (1, 2, …): exponential growth capped at `maxDelayMs`, with
 * "equal jitter" — half of it fixed, half random — so clients dropped together do not return together,
 * and none returns sooner than half the nominal delay.
 */
export function backoffDelay(attempt: number, options: Required<ReconnectOptions>, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const nominal = Math.min(options.maxDelayMs, options.initialDelayMs * Math.pow(options.factor, exponent));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}

/**
 * Whether a close means "stop": an authentication failure (1008: no, invalid or expired token, unknown app) or
 * the app's plan having realtime off. Other closes — including 1013 for the plan's connection limit, which
 * can clear — are retried.
 */
export function isStopClose(code: number, reason: string): boolean {
  return code === 1008 || (code === 1013 && reason === "Realtime disabled by plan");
}
