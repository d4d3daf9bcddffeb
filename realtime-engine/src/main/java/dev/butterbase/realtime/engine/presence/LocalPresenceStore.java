package dev.butterbase.realtime.engine.presence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The in-process {@link PresenceStore}: one ordered map per channel, dropped when its last entry leaves. Thread-safe. */
public final class LocalPresenceStore implements PresenceStore {

    private record Key(String appId, String channel) {}

    private final Map<Key, Map<String, PresenceMember>> channels = new ConcurrentHashMap<>();

    @Override
    public PresenceMember put(String appId, String channel, PresenceMember member) {
        PresenceMember[] previous = new PresenceMember[1];
        channels.compute(new Key(appId, channel), (k, members) -> {
            Map<String, PresenceMember> m = members == null ? new LinkedHashMap<>() : members;
            previous[0] = m.put(member.clientId(), member);
            return m;
        });
        return previous[0];
    }

    @Override
    public PresenceMember remove(String appId, String channel, String clientId) {
        PresenceMember[] removed = new PresenceMember[1];
        channels.computeIfPresent(new Key(appId, channel), (k, members) -> {
            removed[0] = members.remove(clientId);
            return members.isEmpty() ? null : members;
        });
        return removed[0];
    }

    @Override
    public List<PresenceMember> members(String appId, String channel) {
        List<PresenceMember> out = new ArrayList<>();
        channels.computeIfPresent(new Key(appId, channel), (k, members) -> {
            out.addAll(members.values());
            return members;
        });
        return out;
    }

    /** Channels with at least one entry (for tests and metrics). */
    public int channelCount() {
        return channels.size();
    }
}
