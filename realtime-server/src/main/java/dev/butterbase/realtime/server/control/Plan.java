package dev.butterbase.realtime.server.control;

/**
 * An app's plan: whether realtime is on, how many concurrent WebSocket connections it may hold, and how long
 * its captured changes are kept for clients that resume.
 *
 * @param changeRetentionSeconds     changes older than this are pruned (at least 10 s)
 * @param changeRetentionMaxChanges  at most this many changes are kept, oldest pruned first; 0 = no size limit
 */
public record Plan(boolean realtimeEnabled, int maxRealtimeListeners, int changeRetentionSeconds, long changeRetentionMaxChanges) {

    public static final Plan DEFAULT = new Plan(true, 1000, 600, 0);

    /** Upper bound on {@code max_realtime_listeners}: a guard against typos, not a product limit. */
    public static final int MAX_LISTENERS_CEILING = 1_000_000;
    public static final int MIN_RETENTION_SECONDS = 10;
    public static final int MAX_RETENTION_SECONDS = 7 * 24 * 3600;

    public Plan {
        if (maxRealtimeListeners < 0 || maxRealtimeListeners > MAX_LISTENERS_CEILING) {
            throw new IllegalArgumentException(
                    "max_realtime_listeners must be between 0 and " + MAX_LISTENERS_CEILING + ", got " + maxRealtimeListeners);
        }
        if (changeRetentionSeconds < MIN_RETENTION_SECONDS || changeRetentionSeconds > MAX_RETENTION_SECONDS) {
            throw new IllegalArgumentException("change_retention_seconds must be between " + MIN_RETENTION_SECONDS
                    + " and " + MAX_RETENTION_SECONDS + ", got " + changeRetentionSeconds);
        }
        if (changeRetentionMaxChanges < 0) {
            throw new IllegalArgumentException("change_retention_max_changes must not be negative");
        }
    }

    public Plan(boolean realtimeEnabled, int maxRealtimeListeners) {
        this(realtimeEnabled, maxRealtimeListeners, DEFAULT.changeRetentionSeconds, DEFAULT.changeRetentionMaxChanges);
    }

    public Plan withRetention(int seconds, long maxChanges) {
        return new Plan(realtimeEnabled, maxRealtimeListeners, seconds, maxChanges);
    }
}
