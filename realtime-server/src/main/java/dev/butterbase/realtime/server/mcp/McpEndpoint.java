package dev.butterbase.realtime.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.butterbase.realtime.server.tools.ToolRegistry;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code POST /mcp}: the tools of a {@link ToolRegistry} served over MCP's streamable-HTTP transport, stateless (no
 * sessions, no SSE), by the MCP Java SDK's stateless server on top of our Netty HTTP server.
 *
 * <p>Protocol version negotiation is the SDK's: {@code initialize} answers with the client's version when supported,
 * else the newest one; a request whose {@code MCP-Protocol-Version} header names an unsupported version gets 400.
 * Tool arguments are not validated against the input schema here: tools validate their own arguments and report a
 * {@code ToolException} with a stable code, as over REST.
 *
 * <p>Safe to call from any thread.
 */
public final class McpEndpoint implements AutoCloseable {

    private final NettyStatelessServerTransport transport;
    private final McpStatelessAsyncServer server;

    /**
     * @param blockingExecutor runs every {@code Tool.call}; its rejections become {@code INTERNAL} tool errors
     */
    public McpEndpoint(ToolRegistry tools, Executor blockingExecutor, String serverName, String serverVersion) {
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(serverVersion, "serverVersion");
        ObjectMapper json = new ObjectMapper();
        this.transport = new NettyStatelessServerTransport(McpJsonDefaults.getMapper(), json);
        List<AsyncToolSpecification> specifications = tools.all().stream()
                .map(tool -> McpToolAdapter.specification(tool, blockingExecutor, json))
                .toList();
        this.server = McpServer.async(transport)
                .serverInfo(serverName, serverVersion)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .validateToolInputs(false)
                .tools(specifications)
                .build();
    }

    /**
     * Handles one HTTP request whose path is {@code /mcp}; authentication is the caller's. Never blocks the calling
     * thread (a Netty event loop). Reads the request fully before returning, so the caller may release it then.
     *
     * @return completes with the whole response: the JSON-RPC response for a request, 202 with no body for a
     *     notification or response, 405 for any method but POST, 400 with a JSON-RPC error for a malformed message;
     *     completes on the tool executor for {@code tools/call}, else usually before this method returns
     */
    public CompletableFuture<FullHttpResponse> handle(FullHttpRequest request) {
        return transport.handle(request);
    }

    /** Stops accepting messages: later requests get 503. Calls in flight finish. */
    @Override
    public void close() {
        server.close();
    }
}
