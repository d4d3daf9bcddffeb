package dev.butterbase.realtime.server.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.tools.Tool;
import dev.butterbase.realtime.server.tools.ToolException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Serves one {@link Tool} as an MCP tool: its name, description and input schema for {@code tools/list}, and
 * {@code tools/call} run on the blocking executor (never on the calling event loop).
 *
 * <p>The JSON result is returned as one text content block. A {@link ToolException} becomes a result with
 * {@code isError: true} and the text {@code {"error":{"code":…,"message":…}}}, the same body REST returns; any other
 * failure, including the executor rejecting the call, does the same with code {@code INTERNAL}.
 *
 * <p>No {@code structuredContent}: a {@link Tool} declares no output schema, and SDK 2.1.0 logs a warning on both
 * server and client for structured content without one. Safe to use from any thread.
 */
final class McpToolAdapter {

    private static final String INTERNAL = "INTERNAL";

    private static final Logger log = LoggerFactory.getLogger(McpToolAdapter.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Tool tool;
    private final Executor blockingExecutor;
    private final ObjectMapper json;

    private McpToolAdapter(Tool tool, Executor blockingExecutor, ObjectMapper json) {
        this.tool = tool;
        this.blockingExecutor = blockingExecutor;
        this.json = json;
    }

    static AsyncToolSpecification specification(Tool tool, Executor blockingExecutor, ObjectMapper json) {
        McpToolAdapter adapter = new McpToolAdapter(tool, blockingExecutor, json);
        return AsyncToolSpecification.builder().tool(adapter.describe()).callHandler(adapter::call).build();
    }

    private McpSchema.Tool describe() {
        return McpSchema.Tool.builder()
                .name(tool.name())
                .description(tool.description())
                .inputSchema(json.convertValue(tool.inputSchema(), MAP))
                .build();
    }

    private Mono<CallToolResult> call(McpTransportContext context, CallToolRequest request) {
        Map<String, Object> arguments = request.arguments();
        return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> run(arguments), blockingExecutor))
                .onErrorResume(e -> Mono.just(internalFailure(e)));
    }

    /** Runs on the blocking executor. */
    private CallToolResult run(Map<String, Object> arguments) {
        try {
            ObjectNode args = arguments == null ? json.createObjectNode() : json.valueToTree(arguments);
            JsonNode result = tool.call(args);
            return CallToolResult.builder().addTextContent(json.writeValueAsString(result)).isError(false).build();
        } catch (ToolException e) {
            return failure(e.code(), e.getMessage());
        } catch (RuntimeException | JsonProcessingException e) {
            return internalFailure(e);
        }
    }

    private CallToolResult internalFailure(Throwable e) {
        log.error("MCP tool {} failed", tool.name(), e);
        return failure(INTERNAL, "internal error in tool " + tool.name());
    }

    private CallToolResult failure(String code, String message) {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return CallToolResult.builder().addTextContent(body.toString()).isError(true).build();
    }
}
