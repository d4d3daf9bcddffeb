package dev.butterbase.realtime.engine.presence;

import java.util.Objects;

/**
 * One client's entry in a presence channel.
 *
 * @param clientId     the connection's id (unique per connection)
 * @param userId       the verified user id of the connection's token, or null for service and anonymous clients;
 *                     never taken from the client's metadata
 * @param metadataJson the client's metadata as compact JSON text (valid JSON: it is spliced into messages as is)
 */
public record PresenceMember(String clientId, String userId, String metadataJson) {

    public PresenceMember {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(metadataJson, "metadataJson");
    }
}
