package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The protocol's JSON: building client messages and reading server ones. */
final class Wire {

    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {}

    static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** Null for a missing or JSON-null field. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static JsonNode nullable(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A {@code change} message, or null when it is not one this client understands. */
    static Change change(JsonNode m) {
        JsonNode id = m.get("id");
        String op = text(m, "op");
        if (id == null || !id.canConvertToLong() || op == null) {
            return null;
        }
        Change.Op parsedOp;
        try {
            parsedOp = Change.Op.valueOf(op);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Change(id.asLong(), text(m, "table"), parsedOp, nullable(m, "record"), nullable(m, "old_record"),
                instant(m, "timestamp"));
    }

    static PresenceState presenceState(JsonNode m) {
        return new PresenceState(text(m, "channel"), clients(m.get("clients")));
    }

    static PresenceDiff presenceDiff(JsonNode m) {
        return new PresenceDiff(text(m, "channel"), clients(m.get("joins")), clients(m.get("leaves")));
    }

    private static List<PresenceClient> clients(JsonNode array) {
        List<PresenceClient> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode c : array) {
                out.add(new PresenceClient(text(c, "client_id"), text(c, "user_id"), c.get("metadata")));
            }
        }
        return out;
    }
}
