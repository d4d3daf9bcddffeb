package dev.butterbase.realtime.client;

import static dev.butterbase.realtime.server.testing.ToolClient.args;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Functions for client events, served by the test on 127.0.0.1: {@code /add} answers {@code {sum, user}} for a
 * payload {@code {a, b}}; {@code /fail} answers 500.
 */
public final class AddFunction implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    private AddFunction(HttpServer server) {
        this.server = server;
    }

    public static AddFunction start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/add", ex -> {
                JsonNode call = JSON.readTree(ex.getRequestBody().readAllBytes());
                JsonNode payload = call.get("payload");
                respond(ex, 200, JSON.createObjectNode().put("sum", payload.get("a").asInt() + payload.get("b").asInt())
                        .put("user", call.path("user_id").asText()).toString());
            });
            server.createContext("/fail", ex -> {
                ex.getRequestBody().readAllBytes();
                respond(ex, 500, "{}");
            });
            server.start();
            return new AddFunction(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers {@code name} for {@code event}, calling {@code path} of this server. */
    public void register(NotesApp notes, String name, String path, String event) {
        notes.app.tools().ok("manage_functions", args("action", "create", "app_id", notes.appId(), "name", name,
                "url", "http://127.0.0.1:" + server.getAddress().getPort() + path,
                "trigger", Map.of("type", "websocket", "config", Map.of("event", event))));
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
