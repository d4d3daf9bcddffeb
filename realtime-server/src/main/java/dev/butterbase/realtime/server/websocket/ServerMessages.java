package dev.butterbase.realtime.server.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the server's control messages ({@code connected}, {@code subscribed}, {@code error}, …). */
public final class ServerMessages {

    public static final ObjectMapper JSON = new ObjectMapper();

    private ServerMessages() {}

    public static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    public static ObjectNode error(String code, String message) {
        return message("error").put("code", code).put("message", message);
    }

    public static ObjectNode heartbeat(Instant now) {
        return message("heartbeat").put("timestamp", now.toString());
    }

    public static byte[] bytes(ObjectNode message) {
        try {
            return JSON.writeValueAsString(message).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
    }
}
