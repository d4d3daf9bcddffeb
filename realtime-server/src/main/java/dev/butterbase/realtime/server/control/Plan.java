package dev.butterbase.realtime.server.control;

/** An app's plan: whether realtime is on, and how many concurrent WebSocket connections it may hold. */
public record Plan(boolean realtimeEnabled, int maxRealtimeListeners) {

    public static final Plan DEFAULT = new Plan(true, 1000);

    /** Upper bound on {@code max_realtime_listeners}: a guard against typos, not a product limit. */
    public static final int MAX_LISTENERS_CEILING = 1_000_000;

    public Plan {
        if (maxRealtimeListeners < 0 || maxRealtimeListeners > MAX_LISTENERS_CEILING) {
            throw new IllegalArgumentException(
                    "max_realtime_listeners must be between 0 and " + MAX_LISTENERS_CEILING + ", got " + maxRealtimeListeners);
        }
    }
}
