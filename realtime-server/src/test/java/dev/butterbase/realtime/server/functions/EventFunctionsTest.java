package dev.butterbase.realtime.server.functions;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.ToolClient;
import dev.butterbase.realtime.server.testing.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client events → functions through the real server, against real HTTP endpoints served in the test: the signed
 * round trip, several functions on one event, timeouts that delay nobody else, failures, unknown events and
 * the per-connection limits.
 */
@Timeout(120)
class EventFunctionsTest {

    /** A request a test endpoint received. */
    record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private static HttpServer endpoints;
    private static ExecutorService endpointThreads;
    private static final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private static final CountDownLatch releaseSlow = new CountDownLatch(1);
    private static TestApp app;

    @BeforeAll
    static void start() throws IOException {
        endpoints = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpointThreads = Executors.newCachedThreadPool();
        endpoints.setExecutor(endpointThreads);
        endpoints.createContext("/echo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received("/echo", Map.copyOf(ex.getRequestHeaders()), body));
            JsonNode request = ToolClient.JSON.readTree(body);
            respond(ex, 200, "application/json", ToolClient.JSON.createObjectNode()
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("echo", request.get("payload"))
                    .put("seen_user", request.path("user_id").asText()).toString());
        });
        endpoints.createContext("/second", ex -> {
            ex.getRequestBody().readAllBytes();
            respond(ex, 200, "application/json", "{\"n\":2}");
        });
        endpoints.createContext("/slow", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                releaseSlow.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, "application/json", "{}");
        });
        endpoints.createContext("/fail", ex -> {
            ex.getRequestBody().readAllBytes();
            respond(ex, 500, "application/json", "{\"error\":\"boom\"}");
        });
        endpoints.createContext("/text", ex -> {
            ex.getRequestBody().readAllBytes();
            respond(ex, 200, "text/plain", "hello, this is not JSON");
        });
        endpoints.start();
        app = TestApp.create("authenticated");
    }

    @AfterAll
    static void stop() {
        releaseSlow.countDown();
        endpoints.stop(0);
        endpointThreads.shutdownNow();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + endpoints.getAddress().getPort() + path;
    }

    /** Creates a function and returns its create result (with the secret). */
    private static JsonNode function(String name, String url, String event, Integer timeoutMs) {
        var a = args("action", "create", "app_id", app.appId, "name", name, "url", url,
                "trigger", Map.of("type", "websocket", "config", Map.of("event", event)));
        if (timeoutMs != null) {
            a.put("timeout_ms", timeoutMs);
        }
        return app.tools().ok("manage_functions", a);
    }

    private static WsClient connect(String user) {
        WsClient c = app.userClient(user);
        c.awaitType("connected");
        return c;
    }

    private static JsonNode result(WsClient c, String ref) {
        return c.await(m -> "event_result".equals(m.path("type").asText()) && ref.equals(m.path("ref").asText()));
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void anEventCallsItsFunctionSignedAndTheClientGetsTheAnswer() throws Exception {
        String secret = function("echo_fn", url("/echo"), "ping", null).get("secret").asText();
        received.clear();
        try (WsClient alice = connect("alice")) {
            String clientId = alice.ofType("connected").get(0).get("client_id").asText();
            alice.send(args("type", "event", "event", "ping", "payload", Map.of("hello", "world"), "ref", "r1"));

            JsonNode result = result(alice, "r1");
            assertThat(result.get("status").asText()).isEqualTo("ok");
            assertThat(result.get("event").asText()).isEqualTo("ping");
            assertThat(result.get("result").get("echo_fn").get("echo").get("hello").asText()).isEqualTo("world");
            assertThat(result.get("result").get("echo_fn").get("seen_user").asText()).isEqualTo("alice");
            assertThat(result.has("error")).isFalse();

            Received call = received.poll(10, TimeUnit.SECONDS);
            assertThat(call).isNotNull();
            assertThat(call.header("X-Butterbase-Signature")).isEqualTo(hmac(secret, call.body()));
            assertThat(call.header("X-Butterbase-Signature")).isNotEqualTo(hmac(secret + "x", call.body()));
            assertThat(call.header("Content-Type")).isEqualTo("application/json");
            JsonNode body = ToolClient.JSON.readTree(call.body());
            assertThat(body.get("app_id").asText()).isEqualTo(app.appId);
            assertThat(body.get("event").asText()).isEqualTo("ping");
            assertThat(body.get("payload").get("hello").asText()).isEqualTo("world");
            assertThat(body.get("client_id").asText()).isEqualTo(clientId);
            assertThat(body.get("user_id").asText()).isEqualTo("alice");
            assertThat(body.get("role").asText()).isEqualTo("butterbase_user");
            assertThat(Instant.parse(body.get("timestamp").asText())).isBeforeOrEqualTo(Instant.now());
        }
    }

    @Test
    void everyFunctionOfAnEventAnswersByName() {
        function("multi_a", url("/echo"), "multi", null);
        function("multi_b", url("/second"), "multi", null);
        try (WsClient c = connect("bob")) {
            c.send(args("type", "event", "event", "multi", "payload", 7, "ref", "m"));
            JsonNode result = result(c, "m");
            assertThat(result.get("status").asText()).isEqualTo("ok");
            assertThat(result.get("result").get("multi_a").get("echo").asInt()).isEqualTo(7);
            assertThat(result.get("result").get("multi_b").get("n").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aSlowFunctionTimesOutAndDelaysNobodyElse() {
        function("slow_fn", url("/slow"), "slow", 3000);
        function("fast_fn", url("/echo"), "fast", null);
        try (WsClient waiting = connect("waiting"); WsClient other = connect("other")) {
            long start = System.nanoTime();
            waiting.send(args("type", "event", "event", "slow", "ref", "s"));

            // while that call hangs, the same connection and another one are served
            other.send(args("type", "event", "event", "fast", "payload", "hi", "ref", "f"));
            assertThat(result(other, "f").get("status").asText()).isEqualTo("ok");
            waiting.send(args("type", "presence_track", "metadata", Map.of()));
            waiting.awaitType("presence_state");
            assertThat(waiting.ofType("event_result")).as("the slow call is still pending").isEmpty();

            JsonNode timedOut = result(waiting, "s");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(3000));
            assertThat(timedOut.get("status").asText()).isEqualTo("error");
            assertThat(timedOut.get("error").get("code").asText()).isEqualTo("FUNCTION_TIMEOUT");
            assertThat(timedOut.get("error").get("function").asText()).isEqualTo("slow_fn");
            assertThat(timedOut.has("result")).isFalse();
        }
    }

    @Test
    void failuresAreReportedNeverSilent() throws IOException {
        function("fail_fn", url("/fail"), "fail", null);
        function("text_fn", url("/text"), "text", null);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        function("gone_fn", "http://127.0.0.1:" + closedPort + "/nothing", "gone", null);
        try (WsClient c = connect("carol")) {
            c.send(args("type", "event", "event", "fail", "ref", "500"));
            c.send(args("type", "event", "event", "text", "ref", "text"));
            c.send(args("type", "event", "event", "gone", "ref", "gone"));
            c.send(args("type", "event", "event", "no-such-event", "ref", "none"));

            JsonNode fail = result(c, "500").get("error");
            assertThat(fail.get("code").asText()).isEqualTo("FUNCTION_ERROR");
            assertThat(fail.get("http_status").asInt()).isEqualTo(500);
            assertThat(fail.get("function").asText()).isEqualTo("fail_fn");
            assertThat(result(c, "text").get("error").get("code").asText()).isEqualTo("FUNCTION_INVALID_RESPONSE");
            assertThat(result(c, "gone").get("error").get("code").asText()).isEqualTo("FUNCTION_UNREACHABLE");
            JsonNode none = result(c, "none");
            assertThat(none.get("status").asText()).isEqualTo("error");
            assertThat(none.get("event").asText()).isEqualTo("no-such-event");
            assertThat(none.get("error").get("code").asText()).isEqualTo("EVENT_NOT_FOUND");
        }
    }

    @Test
    void aMalformedEventIsAnError() {
        try (WsClient c = connect("dave")) {
            c.send(args("type", "event", "payload", 1, "ref", "x"));
            c.send(args("type", "event", "event", "", "ref", "y"));
            c.await(m -> "y".equals(m.path("ref").asText()));
            assertThat(c.ofType("error")).extracting(e -> e.get("ref").asText() + ":" + e.get("code").asText())
                    .containsExactly("x:INVALID_MESSAGE", "y:INVALID_MESSAGE");
        }
    }

    @Test
    void eventsAreRateLimitedPerConnectionAndEveryOneIsAnswered() {
        try (WsClient flooder = connect("flooder"); WsClient calm = connect("calm")) {
            for (int i = 0; i < 100; i++) {
                flooder.send(args("type", "event", "event", "unknown-event", "ref", i));
            }
            for (int i = 0; i < 100; i++) {
                int ref = i;
                flooder.await(m -> "event_result".equals(m.path("type").asText()) && m.path("ref").asInt(-1) == ref);
            }
            List<JsonNode> results = flooder.ofType("event_result");
            assertThat(results).hasSize(100);
            long limited = results.stream().filter(r -> "RATE_LIMITED".equals(r.get("error").get("code").asText())).count();
            long admitted = results.stream().filter(r -> "EVENT_NOT_FOUND".equals(r.get("error").get("code").asText())).count();
            assertThat(limited + admitted).isEqualTo(100);
            assertThat(admitted).as("the burst (40) is admitted").isGreaterThanOrEqualTo(40);
            assertThat(limited).as("100 events at once exceed the burst").isPositive();

            // another connection has its own bucket
            calm.send(args("type", "event", "event", "unknown-event", "ref", "calm"));
            assertThat(result(calm, "calm").get("error").get("code").asText()).isEqualTo("EVENT_NOT_FOUND");
        }
    }

    @Test
    void eventsWaitingForFunctionsAreBoundedPerConnection() {
        function("hang_fn", url("/slow"), "hang", 2000);
        try (WsClient c = connect("eager")) {
            for (int i = 0; i < 10; i++) {
                c.send(args("type", "event", "event", "hang", "ref", i));
            }
            for (int i = 0; i < 10; i++) {
                int ref = i;
                c.await(m -> "event_result".equals(m.path("type").asText()) && m.path("ref").asInt(-1) == ref);
            }
            List<String> codes = c.ofType("event_result").stream().map(r -> r.get("error").get("code").asText()).toList();
            assertThat(codes).filteredOn("TOO_MANY_PENDING_EVENTS"::equals).hasSize(2);
            assertThat(codes).filteredOn("FUNCTION_TIMEOUT"::equals).hasSize(8);
        }
    }
}
