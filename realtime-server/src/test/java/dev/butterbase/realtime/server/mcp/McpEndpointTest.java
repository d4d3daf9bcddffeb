package dev.butterbase.realtime.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.tools.Tool;
import dev.butterbase.realtime.server.tools.ToolException;
import dev.butterbase.realtime.server.tools.ToolRegistry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link McpEndpoint} behind a real Netty HTTP server, driven by the MCP SDK's own streamable-HTTP client. */
@Timeout(30)
class McpEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOL_THREAD_PREFIX = "test-tool-";

    private static final AtomicReference<String> echoThread = new AtomicReference<>();
    private static ExecutorService toolExecutor;
    private static EventLoopGroup eventLoops;
    private static McpEndpoint endpoint;
    private static Channel serverChannel;
    private static String baseUrl;

    @BeforeAll
    static void startServer() throws InterruptedException {
        AtomicInteger threads = new AtomicInteger();
        toolExecutor = Executors.newFixedThreadPool(2,
                r -> new Thread(r, TOOL_THREAD_PREFIX + threads.incrementAndGet()));
        endpoint = new McpEndpoint(new ToolRegistry(List.of(new EchoTool(), new MissingAppTool(), new BrokenTool())),
                toolExecutor, "butterbase-realtime-test", "0.0.1");
        eventLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        serverChannel = new ServerBootstrap()
                .group(eventLoops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new McpRoute(endpoint));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        baseUrl = "http://127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        endpoint.close();
        serverChannel.close().sync();
        eventLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        toolExecutor.shutdownNow();
    }

    @Test
    void sdkClientInitializesListsAndCallsTools() throws Exception {
        try (McpSyncClient client = McpClient.sync(
                        HttpClientStreamableHttpTransport.builder(baseUrl).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(10))
                .build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("butterbase-realtime-test");
            assertThat(init.protocolVersion()).isNotBlank();
            assertThat(init.capabilities().tools()).isNotNull();

            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("echo", "get_app", "broken");
            McpSchema.Tool echo = tools.get(0);
            assertThat(echo.description()).isEqualTo("Returns its arguments.");
            JsonNode schema = JSON.valueToTree(echo.inputSchema());
            assertThat(schema).isEqualTo(new EchoTool().inputSchema());

            CallToolResult echoed = client.callTool(new CallToolRequest("echo", Map.of("app", "a1", "n", 3)));
            assertThat(echoed.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(JSON.readTree(text(echoed))).isEqualTo(JSON.readTree("{\"echo\":{\"app\":\"a1\",\"n\":3}}"));
            assertThat(echoThread.get()).startsWith(TOOL_THREAD_PREFIX);

            CallToolResult missing = client.callTool(new CallToolRequest("get_app", Map.of("app", "nope")));
            assertThat(missing.isError()).isTrue();
            JsonNode error = JSON.readTree(text(missing)).path("error");
            assertThat(error.path("code").asText()).isEqualTo("APP_NOT_FOUND");
            assertThat(error.path("message").asText()).isEqualTo("no app nope");

            CallToolResult broken = client.callTool(new CallToolRequest("broken", Map.of()));
            assertThat(broken.isError()).isTrue();
            assertThat(JSON.readTree(text(broken)).path("error").path("code").asText()).isEqualTo("INTERNAL");
        }
    }

    @Test
    void malformedJsonGetsParseError() throws Exception {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":1,", Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(body.has("id")).isTrue();
        assertThat(body.get("id").isNull()).isTrue();
    }

    @Test
    void notificationIsAcceptedWithoutBody() throws Exception {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Map.of());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void unsupportedProtocolVersionHeaderIsRejected() throws Exception {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}",
                Map.of("MCP-Protocol-Version", "1999-01-01"));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void getIsNotAllowed() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/mcp")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
    }

    private static HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(CallToolResult result) {
        assertThat(result.content()).hasSize(1).first().isInstanceOf(TextContent.class);
        return ((TextContent) result.content().get(0)).text();
    }

    /** The caller's side of the contract: routes /mcp, writes the response, releases the request. */
    private static final class McpRoute extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final McpEndpoint endpoint;

        McpRoute(McpEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.uri().equals("/mcp")) {
                write(ctx, status(HttpResponseStatus.NOT_FOUND), keepAlive);
                return;
            }
            endpoint.handle(request).whenComplete((response, failure) ->
                    write(ctx, failure == null ? response : status(HttpResponseStatus.INTERNAL_SERVER_ERROR),
                            keepAlive));
        }

        private static FullHttpResponse status(HttpResponseStatus status) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return response;
        }

        private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static final class EchoTool implements Tool {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public String description() {
            return "Returns its arguments.";
        }

        @Override
        public ObjectNode inputSchema() {
            ObjectNode schema = JSON.createObjectNode().put("type", "object");
            schema.putObject("properties").putObject("app").put("type", "string");
            schema.putArray("required").add("app");
            return schema;
        }

        @Override
        public JsonNode call(JsonNode arguments) {
            echoThread.set(Thread.currentThread().getName());
            ObjectNode result = JSON.createObjectNode();
            result.set("echo", arguments);
            return result;
        }
    }

    private static final class MissingAppTool implements Tool {
        @Override
        public String name() {
            return "get_app";
        }

        @Override
        public String description() {
            return "Fails: no app exists.";
        }

        @Override
        public ObjectNode inputSchema() {
            return JSON.createObjectNode().put("type", "object");
        }

        @Override
        public JsonNode call(JsonNode arguments) {
            throw new ToolException("APP_NOT_FOUND", 404, "no app " + arguments.path("app").asText());
        }
    }

    private static final class BrokenTool implements Tool {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public String description() {
            return "Fails with a bug.";
        }

        @Override
        public ObjectNode inputSchema() {
            return JSON.createObjectNode().put("type", "object");
        }

        @Override
        public JsonNode call(JsonNode arguments) {
            throw new IllegalStateException("bug");
        }
    }
}
