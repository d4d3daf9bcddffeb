package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One client's presence entry.
 *
 * @param clientId the connection's id (see {@link RealtimeClient#clientId()})
 * @param userId   the verified user id of its token, or null
 * @param metadata what it tracked
 */
public record PresenceClient(String clientId, String userId, JsonNode metadata) {}
