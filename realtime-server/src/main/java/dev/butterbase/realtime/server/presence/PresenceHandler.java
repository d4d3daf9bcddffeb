package dev.butterbase.realtime.server.presence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.engine.presence.PresenceHub;
import dev.butterbase.realtime.server.websocket.ClientMessageHandler;
import dev.butterbase.realtime.server.websocket.RealtimeConnection;
import dev.butterbase.realtime.server.websocket.ServerMessages;
import java.util.List;

/**
 * The presence messages of a connection, on the engine's {@link PresenceHub}:
 * {@code presence_track {metadata, channel?}}, {@code presence_untrack {channel?}},
 * {@code presence_subscribe {channel?, diffs?}} and {@code presence_unsubscribe {channel?}}. A missing or null
 * {@code channel} is the app-wide channel {@value #DEFAULT_CHANNEL}. Nothing is acknowledged: the next
 * {@code presence_state} is the answer; only refusals get an {@code error} (with the request's {@code ref}).
 * The {@code user_id} of an entry is the connection's verified one, never anything in the metadata.
 * Runs on the connection's event loop and never blocks.
 */
public final class PresenceHandler implements ClientMessageHandler {

    public static final String DEFAULT_CHANNEL = "default";
    public static final List<String> MESSAGE_TYPES =
            List.of("presence_track", "presence_untrack", "presence_subscribe", "presence_unsubscribe");
    static final int MAX_CHANNEL_LENGTH = 128;

    private final PresenceHub hub;

    public PresenceHandler(PresenceHub hub) {
        this.hub = hub;
    }

    @Override
    public void handle(RealtimeConnection connection, ObjectNode message) {
        String type = message.path("type").asText();
        String channel = channel(connection, message, type);
        if (channel == null) {
            return;
        }
        switch (type) {
            case "presence_track" -> track(connection, message, channel);
            case "presence_untrack" -> hub.untrack(connection.appId(), channel, connection);
            case "presence_subscribe" -> subscribe(connection, message, channel);
            case "presence_unsubscribe" -> hub.unsubscribe(connection.appId(), channel, connection);
            default -> connection.reply(message, ServerMessages.error("UNKNOWN_MESSAGE_TYPE",
                    "unknown message type \"" + type + "\""));
        }
    }

    /** The message's channel, or null after replying with an error. */
    private static String channel(RealtimeConnection connection, ObjectNode message, String type) {
        JsonNode node = message.get("channel");
        if (node == null || node.isNull()) {
            return DEFAULT_CHANNEL;
        }
        if (!node.isTextual() || node.asText().isEmpty() || node.asText().length() > MAX_CHANNEL_LENGTH) {
            connection.reply(message, ServerMessages.error("INVALID_MESSAGE", type + ": \"channel\" must be a string of 1 to "
                    + MAX_CHANNEL_LENGTH + " characters (omit it for the app-wide channel)"));
            return null;
        }
        return node.asText();
    }

    private void track(RealtimeConnection connection, ObjectNode message, String channel) {
        JsonNode metadata = message.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            connection.reply(message, ServerMessages.error("INVALID_MESSAGE", "presence_track needs an object \"metadata\""));
            return;
        }
        Identity identity = connection.identity();
        if (identity == null) {
            connection.reply(message, ServerMessages.error("TOKEN_EXPIRED", "the connection's token expired"));
            return;
        }
        String json;
        try {
            json = ServerMessages.JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            connection.reply(message, ServerMessages.error("INVALID_MESSAGE", "metadata cannot be encoded as JSON"));
            return;
        }
        refused(connection, message, hub.track(connection.appId(), channel, connection, identity.userId(), json));
    }

    private void subscribe(RealtimeConnection connection, ObjectNode message, String channel) {
        JsonNode diffs = message.get("diffs");
        if (diffs != null && !diffs.isNull() && !diffs.isBoolean()) {
            connection.reply(message, ServerMessages.error("INVALID_MESSAGE", "presence_subscribe: \"diffs\" must be true or false"));
            return;
        }
        refused(connection, message, hub.subscribe(connection.appId(), channel, connection, diffs != null && diffs.asBoolean()));
    }

    private void refused(RealtimeConnection connection, ObjectNode message, PresenceHub.Outcome outcome) {
        switch (outcome) {
            case OK -> { }
            case METADATA_TOO_LARGE -> connection.reply(message, ServerMessages.error("PRESENCE_METADATA_TOO_LARGE",
                    "presence metadata may be at most " + hub.settings().maxMetadataBytes() + " bytes of JSON"));
            case TOO_MANY_CHANNELS -> connection.reply(message, ServerMessages.error("PRESENCE_TOO_MANY_CHANNELS",
                    "a connection may be in at most " + hub.settings().maxChannelsPerClient() + " presence channels"));
        }
    }

    @Override
    public void connectionClosed(RealtimeConnection connection) {
        hub.disconnect(connection);
    }
}
