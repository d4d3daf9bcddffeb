package dev.butterbase.realtime.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) that records every message and the close code, for tests.
 * Messages are parsed JSON; waiting is done with Awaitility, never with sleeps.
 */
public final class WsClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private final WebSocket socket;

    private WsClient(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to {@code url} (with any query already on it) and optional headers. */
    public static WsClient connect(String url, Map<String, String> headers) {
        Listener listener = new Listener();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        builder.buildAsync(URI.create(url), listener).orTimeout(15, TimeUnit.SECONDS).join();
        return listener.client;
    }

    public static WsClient connect(String url) {
        return connect(url, Map.of());
    }

    private static final class Listener implements WebSocket.Listener {
        private WsClient client;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            client = new WsClient(webSocket);
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    client.messages.add(ToolClient.JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    client.messages.add(ToolClient.JSON.createObjectNode().put("type", "__unparsable").put("raw", partial.toString()));
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            webSocket.sendPong(message);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            client.closeReason = reason;
            client.closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (client != null) {
                client.closed.complete(new int[] {-1});
            }
        }
    }

    public void send(ObjectNode message) {
        socket.sendText(message.toString(), true).join();
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    public List<JsonNode> messages() {
        return new ArrayList<>(messages);
    }

    public List<JsonNode> ofType(String type) {
        return messages.stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    /** Waits for the first message matching {@code p} and returns it. */
    public JsonNode await(Predicate<JsonNode> p) {
        return await(p, Duration.ofSeconds(20));
    }

    public JsonNode await(Predicate<JsonNode> p, Duration timeout) {
        JsonNode[] found = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (JsonNode m : messages) {
                if (p.test(m)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    public JsonNode awaitType(String type) {
        return await(m -> type.equals(m.path("type").asText()));
    }

    /** Waits for the close and returns its code (-1 for an abrupt failure). */
    public int awaitClose() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(closed::isDone);
        return closed.join()[0];
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public String closeReason() {
        return closeReason;
    }

    /** The {@code change} messages received so far. */
    public List<JsonNode> changes() {
        return ofType("change");
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            socket.abort();
        }
    }

    public void abort() {
        socket.abort();
    }
}
