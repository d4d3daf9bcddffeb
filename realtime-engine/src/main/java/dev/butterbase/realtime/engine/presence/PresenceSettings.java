package dev.butterbase.realtime.engine.presence;

import java.time.Duration;

/**
 * Tunables of presence, checked at construction.
 *
 * @param coalesceInterval     the least time between two presence messages for one channel: each member gets at
 *                             most one {@code presence_state} (or {@code presence_diff}) per channel per interval
 * @param maxMetadataBytes     largest metadata accepted, in bytes of compact UTF-8 JSON
 * @param maxChannelsPerClient presence channels one connection may be in at once
 */
public record PresenceSettings(Duration coalesceInterval, int maxMetadataBytes, int maxChannelsPerClient) {

    public static final PresenceSettings DEFAULTS = new PresenceSettings(Duration.ofMillis(50), 4 * 1024, 32);

    public PresenceSettings {
        if (coalesceInterval.compareTo(Duration.ofMillis(1)) < 0 || coalesceInterval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("coalesceInterval must be between 1 ms and 10 s");
        }
        if (maxMetadataBytes < 2) {
            throw new IllegalArgumentException("maxMetadataBytes must be at least 2");
        }
        if (maxChannelsPerClient < 1) {
            throw new IllegalArgumentException("maxChannelsPerClient must be positive");
        }
    }

    public PresenceSettings withCoalesceInterval(Duration interval) {
        return new PresenceSettings(interval, maxMetadataBytes, maxChannelsPerClient);
    }

    public PresenceSettings withMaxMetadataBytes(int bytes) {
        return new PresenceSettings(coalesceInterval, bytes, maxChannelsPerClient);
    }
}
