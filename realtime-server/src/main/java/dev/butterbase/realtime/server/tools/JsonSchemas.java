package dev.butterbase.realtime.server.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small builders for the JSON Schemas the tools publish over MCP. */
public final class JsonSchemas {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonSchemas() {}

    public static ObjectNode string(String description) {
        return F.objectNode().put("type", "string").put("description", description);
    }

    public static ObjectNode enumOf(String description, String... values) {
        ObjectNode n = string(description);
        ArrayNode e = n.putArray("enum");
        for (String v : values) {
            e.add(v);
        }
        return n;
    }

    public static ObjectNode integer(String description) {
        return F.objectNode().put("type", "integer").put("description", description);
    }

    public static ObjectNode bool(String description) {
        return F.objectNode().put("type", "boolean").put("description", description);
    }

    public static ObjectNode stringArray(String description) {
        ObjectNode n = F.objectNode().put("type", "array").put("description", description);
        n.putObject("items").put("type", "string");
        return n;
    }

    public static ObjectNode freeObject(String description) {
        return F.objectNode().put("type", "object").put("description", description);
    }

    /** An object schema: {@code properties} alternate name, schema; {@code required} names the mandatory ones. */
    public static ObjectNode object(String[] required, Object... properties) {
        ObjectNode schema = F.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        for (int i = 0; i < properties.length; i += 2) {
            props.set((String) properties[i], (ObjectNode) properties[i + 1]);
        }
        ArrayNode req = schema.putArray("required");
        for (String r : required) {
            req.add(r);
        }
        schema.put("additionalProperties", false);
        return schema;
    }
}
