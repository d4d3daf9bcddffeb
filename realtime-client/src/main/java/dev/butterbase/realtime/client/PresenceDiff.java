package dev.butterbase.realtime.client;

import java.util.List;

/**
 * {@code presence_diff}: who joined or changed their metadata ({@code joins}) and who left ({@code leaves}) in a
 * channel since the last message.
 */
public record PresenceDiff(String channel, List<PresenceClient> joins, List<PresenceClient> leaves) {

    public PresenceDiff {
        joins = List.copyOf(joins);
        leaves = List.copyOf(leaves);
    }
}
