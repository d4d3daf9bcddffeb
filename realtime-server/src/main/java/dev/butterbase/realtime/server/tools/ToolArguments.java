package dev.butterbase.realtime.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, validated access to a tool's JSON arguments. Every problem becomes a {@link ToolException} with a
 * stable code naming the argument, before the tool touches anything.
 */
public final class ToolArguments {

    private final ObjectNode args;

    private ToolArguments(ObjectNode args) {
        this.args = args;
    }

    public static ToolArguments of(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            throw ToolException.validation("VALIDATION_INVALID_ARGUMENTS", "arguments must be a JSON object");
        }
        if (!arguments.isObject()) {
            throw ToolException.validation("VALIDATION_INVALID_ARGUMENTS",
                    "arguments must be a JSON object, got " + arguments.getNodeType().name().toLowerCase());
        }
        return new ToolArguments((ObjectNode) arguments);
    }

    /** Refuses keys outside {@code allowed}: a typo must not pass silently. */
    public ToolArguments allowOnly(Set<String> allowed) {
        Iterator<String> names = args.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ToolException.validation("VALIDATION_UNKNOWN_ARGUMENT",
                        "unknown argument \"" + name + "\"; expected one of " + allowed);
            }
        }
        return this;
    }

    public boolean has(String name) {
        JsonNode n = args.get(name);
        return n != null && !n.isNull();
    }

    public String requireString(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            throw missing(name);
        }
        if (!n.isTextual()) {
            throw invalid(name, "must be a string");
        }
        if (n.asText().isEmpty()) {
            throw invalid(name, "must not be empty");
        }
        return n.asText();
    }

    public String optionalString(String name) {
        return has(name) ? requireString(name) : null;
    }

    /** Like {@link #optionalString} but an empty string is allowed (it usually means "remove"). */
    public String optionalStringOrEmpty(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(name, "must be a string");
        }
        return n.asText();
    }

    public boolean optionalBoolean(String name, boolean fallback) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw invalid(name, "must be true or false");
        }
        return n.booleanValue();
    }

    public int optionalInt(String name, int fallback, int min, int max) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw invalid(name, "must be an integer");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw invalid(name, "must be between " + min + " and " + max);
        }
        return v;
    }

    public ObjectNode optionalObject(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw invalid(name, "must be an object");
        }
        return (ObjectNode) n;
    }

    public List<String> requireStringList(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            throw missing(name);
        }
        if (!n.isArray() || n.isEmpty()) {
            throw invalid(name, "must be a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual() || item.asText().isEmpty()) {
                throw invalid(name, "must be a non-empty array of non-empty strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A table, column, policy or role name: any characters but NUL, at most 63 bytes; always quoted later. */
    public SqlIdentifier requireIdentifier(String name) {
        return identifier(name, requireString(name));
    }

    public static SqlIdentifier identifier(String argument, String value) {
        try {
            return SqlIdentifier.of(value);
        } catch (IllegalArgumentException e) {
            throw invalid(argument, e.getMessage());
        }
    }

    public static ToolException missing(String name) {
        return ToolException.validation("VALIDATION_MISSING_ARGUMENT", "missing required argument \"" + name + "\"");
    }

    public static ToolException invalid(String name, String problem) {
        return ToolException.validation("VALIDATION_INVALID_ARGUMENT", "argument \"" + name + "\" " + problem);
    }
}
