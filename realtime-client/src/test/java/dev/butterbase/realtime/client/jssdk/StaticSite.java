package dev.butterbase.realtime.client.jssdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local HTTP server (127.0.0.1, ephemeral port) for the browser test: {@code /} is the test page and
 * {@code /sdk/<file>.js} the built SDK in {@code clients/js/dist}. Nothing else is served.
 */
final class StaticSite implements AutoCloseable {

    private final HttpServer server;

    private StaticSite(HttpServer server) {
        this.server = server;
    }

    static StaticSite start(Path page, Path sdkDir) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/")) {
                    send(exchange, 200, "text/html; charset=utf-8", Files.readAllBytes(page));
                } else if (path.matches("/sdk/[a-z-]+\\.js")) {
                    Path file = sdkDir.resolve(path.substring("/sdk/".length()));
                    if (Files.isRegularFile(file)) {
                        send(exchange, 200, "text/javascript; charset=utf-8", Files.readAllBytes(file));
                    } else {
                        send(exchange, 404, "text/plain", "not found".getBytes());
                    }
                } else {
                    send(exchange, 404, "text/plain", "not found".getBytes());
                }
            });
            server.start();
            return new StaticSite(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
