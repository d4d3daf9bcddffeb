package dev.butterbase.realtime.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The scenarios of issue 6, each selectable with {@code --scenario}. */
public enum ScenarioKind {
    /** N users, user isolation; each row reaches one user. */
    NOTIFICATIONS("notifications", 100),
    /** N clients in rooms of K; the spec's membership-subquery policy; each message reaches K clients. */
    CHAT("chat", 20),
    /** A table every authenticated user may read (no RLS); each row reaches all N. */
    FEED("feed", 5),
    /** N clients moving cursors at 10 Hz in rooms of K; measures presence_state latency. */
    PRESENCE("presence", 0),
    /** N subscribed connections and nothing else; memory per connection. */
    IDLE("idle", 0),
    /** Insert throughput of the app database with realtime off and on, side by side. */
    WRITE_OVERHEAD("write-overhead", 0);

    private final String wireName;
    private final double defaultRate;

    ScenarioKind(String wireName, double defaultRate) {
        this.wireName = wireName;
        this.defaultRate = defaultRate;
    }

    public String wireName() {
        return wireName;
    }

    /** Rows per second written when {@code --rate} is not given (0: the scenario writes no rows at a rate). */
    public double defaultRate() {
        return defaultRate;
    }

    public static ScenarioKind fromWire(String name) {
        for (ScenarioKind k : values()) {
            if (k.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown scenario \"" + name + "\"; expected one of: " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(ScenarioKind::wireName).collect(Collectors.joining(", "));
    }
}
