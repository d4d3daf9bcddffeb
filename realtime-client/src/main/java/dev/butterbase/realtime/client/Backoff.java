package dev.butterbase.realtime.client;

import java.time.Duration;

/**
 * Reconnect delays: exponential growth capped at {@code max}, with "equal jitter" (half fixed, half random) so
 * clients dropped together do not return together and none returns sooner than half the nominal delay.
 */
record Backoff(Duration initial, Duration max, double factor) {

    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2);

    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || !(factor >= 1)) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and factor >= 1, got " + initial + ", " + max
                    + ", " + factor);
        }
    }

    /** The delay before attempt {@code attempt} (1, 2, …), given a random number in [0, 1). */
    Duration delay(int attempt, double random) {
        double nominal = Math.min(max.toMillis(), initial.toMillis() * Math.pow(factor, Math.max(0, attempt - 1)));
        return Duration.ofMillis(Math.round(nominal / 2 + random * nominal / 2));
    }

    /**
     * Whether a close means stop: an authentication failure (1008: no, invalid or expired token, unknown app) or a
     * plan with realtime off. Other closes, including 1013 for the plan's connection limit (which can clear), are
     * retried.
     */
    static boolean isStop(int code, String reason) {
        return code == 1008 || (code == 1013 && "Realtime disabled by plan".equals(reason));
    }
}
