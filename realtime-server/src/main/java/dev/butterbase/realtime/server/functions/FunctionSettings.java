package dev.butterbase.realtime.server.functions;

import java.time.Duration;

/**
 * Limits of the event path, checked at construction.
 *
 * @param defaultTimeout            timeout of a function created without {@code timeout_ms}
 * @param eventsPerSecond           sustained {@code event} messages per connection (token bucket refill)
 * @param eventBurst                {@code event} messages per connection at once (token bucket size)
 * @param maxInFlightPerConnection  events of one connection waiting for their functions at once
 */
public record FunctionSettings(Duration defaultTimeout, double eventsPerSecond, int eventBurst, int maxInFlightPerConnection) {

    public static final FunctionSettings DEFAULTS = new FunctionSettings(Duration.ofSeconds(5), 20, 40, 8);

    public FunctionSettings {
        if (defaultTimeout.compareTo(Duration.ofMillis(1)) < 0 || defaultTimeout.compareTo(Duration.ofMillis(FunctionRegistry.MAX_TIMEOUT_MS)) > 0) {
            throw new IllegalArgumentException("defaultTimeout must be between 1 ms and 60 s");
        }
        if (!(eventsPerSecond > 0) || eventBurst < 1 || maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("event limits must be positive");
        }
    }
}
