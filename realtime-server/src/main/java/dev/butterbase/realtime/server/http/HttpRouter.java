package dev.butterbase.realtime.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.mcp.McpEndpoint;
import dev.butterbase.realtime.server.tools.Tool;
import dev.butterbase.realtime.server.tools.ToolException;
import dev.butterbase.realtime.server.tools.ToolRegistry;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every HTTP request: health, the tool API over REST and MCP, and WebSocket upgrades to the realtime
 * endpoint. Runs on the event loop and never blocks it: tool calls and readiness checks go to the blocking
 * executor, and their answers are written back from there.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    /** Refuses trailing text after the JSON value ({@code {"a":1} junk}). */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT_JSON = HttpResponses.JSON.reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern TOOL_PATH = Pattern.compile("^/v1/tools/([^/]+)$");
    private static final Pattern REALTIME_PATH = Pattern.compile("^/v1/([^/]+)/realtime$");

    /** Takes over a WebSocket upgrade request for one app's realtime endpoint. */
    public interface RealtimeUpgrader {
        /** Called on the event loop; the request is released by the router after this returns. */
        void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String appId);
    }

    private final AdminAuth adminAuth;
    private final ToolRegistry tools;
    private final McpEndpoint mcp;
    private final Executor blocking;
    private final BooleanSupplier loaded;
    private final BooleanSupplier ready;
    private final RealtimeUpgrader realtime;
    private final java.util.function.Supplier<String> metrics;

    /**
     * @param loaded non-blocking: the control plane is loaded (tool calls are refused with 503 until it is)
     * @param ready  blocking: the control database answers now (for {@code /readyz})
     */
    public HttpRouter(AdminAuth adminAuth, ToolRegistry tools, McpEndpoint mcp, Executor blocking,
            BooleanSupplier loaded, BooleanSupplier ready, RealtimeUpgrader realtime, java.util.function.Supplier<String> metrics) {
        this.adminAuth = adminAuth;
        this.tools = tools;
        this.mcp = mcp;
        this.blocking = blocking;
        this.loaded = loaded;
        this.ready = ready;
        this.realtime = realtime;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            HttpResponses.send(ctx, false, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", "malformed HTTP request"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!loaded.getAsBoolean() && (path.equals("/mcp") || path.startsWith("/v1/"))) {
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "NOT_READY",
                    "the server is starting: its control database is not reachable yet"));
            return;
        }
        Matcher realtimeMatch = REALTIME_PATH.matcher(path);
        if (realtimeMatch.matches() && realtime != null) {
            realtime.upgrade(ctx, request, realtimeMatch.group(1));
            return;
        }
        switch (path) {
            case "/healthz" -> HttpResponses.send(ctx, keepAlive,
                    HttpResponses.json(HttpResponseStatus.OK, HttpResponses.JSON.createObjectNode().put("status", "ok")));
            case "/readyz" -> readiness(ctx, keepAlive);
            case "/metrics" -> {
                byte[] body = metrics.get().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                FullHttpResponse r = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        io.netty.buffer.Unpooled.wrappedBuffer(body));
                r.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                r.headers().setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, body.length);
                HttpResponses.send(ctx, keepAlive, r);
            }
            case "/mcp" -> mcp(ctx, request, keepAlive);
            default -> {
                Matcher toolMatch = TOOL_PATH.matcher(path);
                if (toolMatch.matches()) {
                    tool(ctx, request, keepAlive, toolMatch.group(1));
                } else {
                    HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND",
                            "no route for " + path));
                }
            }
        }
    }

    private void readiness(ChannelHandlerContext ctx, boolean keepAlive) {
        runBlocking(ctx, keepAlive, () -> {
            boolean ok = ready.getAsBoolean();
            ObjectNode body = HttpResponses.JSON.createObjectNode().put("status", ok ? "ready" : "not_ready");
            return HttpResponses.json(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        });
    }

    private void mcp(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        if (!adminAuth.allows(request)) {
            HttpResponses.send(ctx, keepAlive, unauthorized());
            return;
        }
        CompletableFuture<FullHttpResponse> response = mcp.handle(request);
        response.whenComplete((r, failure) -> {
            if (failure != null) {
                log.warn("MCP request failed", failure);
                HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "INTERNAL", "the MCP request failed"));
            } else {
                HttpResponses.send(ctx, keepAlive, r);
            }
        });
    }

    private void tool(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive, String toolName) {
        if (!HttpMethod.POST.equals(request.method())) {
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "METHOD_NOT_ALLOWED", "tools are called with POST"));
            return;
        }
        if (!adminAuth.allows(request)) {
            HttpResponses.send(ctx, keepAlive, unauthorized());
            return;
        }
        Optional<Tool> tool = tools.find(toolName);
        if (tool.isEmpty()) {
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.NOT_FOUND, "TOOL_NOT_FOUND",
                    "no tool named \"" + toolName + "\"; tools: " + tools.all().stream().map(Tool::name).toList()));
            return;
        }
        JsonNode arguments;
        try {
            arguments = parseBody(request);
        } catch (IOException e) {
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                    "VALIDATION_MALFORMED_JSON", "the request body is not valid JSON"));
            return;
        }
        runBlocking(ctx, keepAlive, () -> callTool(tool.get(), arguments));
    }

    private static JsonNode parseBody(FullHttpRequest request) throws IOException {
        if (!request.content().isReadable()) {
            return HttpResponses.JSON.createObjectNode();
        }
        try (InputStream in = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode node = STRICT_JSON.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new IOException("empty");
            }
            return node;
        }
    }

    private static FullHttpResponse callTool(Tool tool, JsonNode arguments) {
        try {
            return HttpResponses.json(HttpResponseStatus.OK, tool.call(arguments));
        } catch (ToolException e) {
            return HttpResponses.error(HttpResponseStatus.valueOf(e.httpStatus()), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("tool {} failed", tool.name(), e);
            return HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL",
                    "the tool failed unexpectedly; see the server log");
        }
    }

    private void runBlocking(ChannelHandlerContext ctx, boolean keepAlive, java.util.function.Supplier<FullHttpResponse> work) {
        try {
            blocking.execute(() -> HttpResponses.send(ctx, keepAlive, work.get()));
        } catch (RejectedExecutionException e) {
            HttpResponses.send(ctx, keepAlive, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "SERVER_BUSY", "too many requests in progress; retry shortly"));
        }
    }

    private static FullHttpResponse unauthorized() {
        return HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED",
                "missing or wrong admin key (Authorization: Bearer <admin key>)");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection error", cause);
        ctx.close();
    }
}
