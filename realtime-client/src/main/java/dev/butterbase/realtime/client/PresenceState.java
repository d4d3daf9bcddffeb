package dev.butterbase.realtime.client;

import java.util.List;

/** {@code presence_state}: everyone in a channel. */
public record PresenceState(String channel, List<PresenceClient> clients) {

    public PresenceState {
        clients = List.copyOf(clients);
    }
}
