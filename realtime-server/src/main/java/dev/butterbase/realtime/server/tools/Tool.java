package dev.butterbase.realtime.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One control operation of the tool API: JSON arguments in, a JSON result out.
 *
 * <p>The same instance is served over REST ({@code POST /v1/tools/{name}}) and MCP ({@code POST /mcp}).
 * {@link #call} blocks (it talks to Postgres): callers run it on a blocking executor, never on an event loop.
 * Implementations are safe to call from any thread.
 */
public interface Tool {

    /** Stable tool name, e.g. {@code manage_app}. */
    String name();

    /** One or two sentences for humans and for MCP clients. */
    String description();

    /** JSON Schema (draft 2020-12 subset) of the arguments object. */
    ObjectNode inputSchema();

    /**
     * Runs the tool.
     *
     * @throws ToolException for every failure the caller should see, with a stable code
     */
    JsonNode call(JsonNode arguments);
}
