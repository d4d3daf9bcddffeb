package dev.butterbase.realtime.server.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The MCP streamable-HTTP transport, stateless flavour, on our Netty HTTP server: one JSON-RPC message per
 * {@code POST}, answered with one {@code application/json} body. No SSE streams and no sessions, so {@code GET} and
 * {@code DELETE} get 405.
 *
 * <p>{@link #handle} never blocks: it parses the request on the calling thread and completes the future when the
 * SDK's handler has answered (tool calls finish on the tool executor). Safe to call from any thread.
 */
final class NettyStatelessServerTransport implements McpStatelessServerTransport {

    private static final Logger log = LoggerFactory.getLogger(NettyStatelessServerTransport.class);

    private final McpJsonMapper mcpJson;
    private final ObjectMapper json;
    private volatile McpStatelessServerHandler handler;
    private volatile boolean closing;

    NettyStatelessServerTransport(McpJsonMapper mcpJson, ObjectMapper json) {
        this.mcpJson = mcpJson;
        this.json = json;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        closing = true;
    }

    /** Reads everything it needs from {@code request} before returning; the caller keeps ownership of it. */
    CompletableFuture<FullHttpResponse> handle(FullHttpRequest request) {
        McpStatelessServerHandler current = handler;
        if (closing || current == null) {
            return done(error(HttpResponseStatus.SERVICE_UNAVAILABLE, null, ErrorCodes.INTERNAL_ERROR,
                    "server is shutting down"));
        }
        if (!HttpMethod.POST.equals(request.method())) {
            FullHttpResponse response = empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
            return done(response);
        }
        FullHttpResponse rejection = checkHeaders(request);
        if (rejection != null) {
            return done(rejection);
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        try {
            return dispatch(current, body);
        } catch (RuntimeException e) {
            log.error("MCP request could not be dispatched", e);
            return done(error(HttpResponseStatus.INTERNAL_SERVER_ERROR, null, ErrorCodes.INTERNAL_ERROR,
                    "internal error"));
        }
    }

    /** The header checks of the streamable-HTTP transport; null when the request may proceed. */
    private FullHttpResponse checkHeaders(FullHttpRequest request) {
        CharSequence contentType = HttpUtil.getMimeType(request);
        if (contentType == null || !HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(contentType)) {
            return error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, null, ErrorCodes.INVALID_REQUEST,
                    "Content-Type must be application/json");
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        if (accept != null && !accept.contains("application/json") && !accept.contains("*/*")) {
            return error(HttpResponseStatus.NOT_ACCEPTABLE, null, ErrorCodes.INVALID_REQUEST,
                    "Accept must allow application/json");
        }
        String version = request.headers().get(HttpHeaders.PROTOCOL_VERSION);
        if (version != null && !protocolVersions().contains(version)) {
            return error(HttpResponseStatus.BAD_REQUEST, null, ErrorCodes.INVALID_REQUEST,
                    "unsupported " + HttpHeaders.PROTOCOL_VERSION + " " + version + "; supported: "
                            + String.join(", ", protocolVersions()));
        }
        return null;
    }

    private CompletableFuture<FullHttpResponse> dispatch(McpStatelessServerHandler current, String body) {
        JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(mcpJson, body);
        } catch (IOException e) {
            return done(error(HttpResponseStatus.BAD_REQUEST, null, ErrorCodes.PARSE_ERROR, "Parse error"));
        } catch (RuntimeException e) {
            return done(error(HttpResponseStatus.BAD_REQUEST, null, ErrorCodes.INVALID_REQUEST,
                    "expected a JSON-RPC request, notification or response object"));
        }
        McpTransportContext context = McpTransportContext.EMPTY;
        if (message instanceof JSONRPCRequest request) {
            return current.handleRequest(context, request)
                    .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                    .toFuture()
                    .handle((response, failure) -> reply(request, response, failure));
        }
        if (message instanceof JSONRPCNotification notification) {
            return current.handleNotification(context, notification)
                    .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                    .toFuture()
                    .handle((ignored, failure) -> {
                        if (failure != null) {
                            log.warn("MCP notification {} failed", notification.method(), failure);
                        }
                        return empty(HttpResponseStatus.ACCEPTED);
                    });
        }
        // A response from the client: a stateless server never sends requests, so there is nothing to match.
        return done(empty(HttpResponseStatus.ACCEPTED));
    }

    private FullHttpResponse reply(JSONRPCRequest request, McpSchema.JSONRPCResponse response, Throwable failure) {
        if (failure != null || response == null) {
            log.error("MCP request {} failed", request.method(), failure);
            return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, request.id(), ErrorCodes.INTERNAL_ERROR,
                    "internal error");
        }
        try {
            return withBody(HttpResponseStatus.OK, mcpJson.writeValueAsBytes(response));
        } catch (IOException e) {
            log.error("MCP response to {} could not be serialized", request.method(), e);
            return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, request.id(), ErrorCodes.INTERNAL_ERROR,
                    "internal error");
        }
    }

    /** A JSON-RPC error response; {@code id} is null when the request's id is unknown (JSON-RPC 2.0 §5). */
    private FullHttpResponse error(HttpResponseStatus status, Object id, int code, String message) {
        ObjectNode body = json.createObjectNode().put("jsonrpc", McpSchema.JSONRPC_VERSION);
        body.set("id", json.valueToTree(id));
        body.putObject("error").put("code", code).put("message", message);
        try {
            return withBody(status, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize a JSON-RPC error", e);
        }
    }

    private static FullHttpResponse withBody(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
