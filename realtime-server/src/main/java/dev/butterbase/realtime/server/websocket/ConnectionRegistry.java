package dev.butterbase.realtime.server.websocket;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open realtime connections per app: enforces the plan's connection limit. Safe from any thread. */
public final class ConnectionRegistry {

    private final Map<String, Set<RealtimeConnection>> byApp = new ConcurrentHashMap<>();

    /** Adds the connection unless the app already has {@code limit} of them. */
    public boolean tryAdd(String appId, RealtimeConnection connection, int limit) {
        boolean[] added = {false};
        byApp.compute(appId, (id, set) -> {
            Set<RealtimeConnection> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            if (s.size() < limit) {
                s.add(connection);
                added[0] = true;
            }
            return s.isEmpty() ? null : s;
        });
        return added[0];
    }

    public void remove(String appId, RealtimeConnection connection) {
        byApp.computeIfPresent(appId, (id, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    public List<RealtimeConnection> of(String appId) {
        Set<RealtimeConnection> set = byApp.get(appId);
        return set == null ? List.of() : List.copyOf(set);
    }

    public int count(String appId) {
        Set<RealtimeConnection> set = byApp.get(appId);
        return set == null ? 0 : set.size();
    }

    public int total() {
        return byApp.values().stream().mapToInt(Set::size).sum();
    }
}
