package dev.butterbase.realtime.client;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A scripted {@link Transport}: each connect becomes a {@link FakeSocket} the test plays the server with. */
final class FakeTransport implements Transport {

    final BlockingQueue<FakeSocket> sockets = new LinkedBlockingQueue<>();
    final List<FakeSocket> all = new CopyOnWriteArrayList<>();

    @Override
    public void connect(URI uri, Map<String, String> headers, Duration timeout, Events events) {
        FakeSocket socket = new FakeSocket(uri, headers, events);
        all.add(socket);
        sockets.add(socket);
    }

    /** The next connect attempt, waiting up to 5 s for it. */
    FakeSocket next() {
        try {
            FakeSocket s = sockets.poll(5, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("no connect attempt within 5 s");
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static final class FakeSocket implements Socket {
        final URI uri;
        final Map<String, String> headers;
        final Events events;
        final List<JsonNode> sent = new CopyOnWriteArrayList<>();
        volatile int closeCode;
        volatile boolean aborted;

        FakeSocket(URI uri, Map<String, String> headers, Events events) {
            this.uri = uri;
            this.headers = headers;
            this.events = events;
        }

        @Override
        public void send(String text) {
            try {
                sent.add(Wire.JSON.readTree(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
        }

        @Override
        public void abort() {
            aborted = true;
        }

        /** Opens and says {@code connected}, as the server does. */
        FakeSocket accept(String clientId) {
            events.onOpen(this);
            receive("{\"type\":\"connected\",\"app_id\":\"app_test\",\"role\":\"butterbase_user\",\"client_id\":\"" + clientId + "\"}");
            return this;
        }

        void receive(String json) {
            events.onText(json);
        }

        void change(long id, String table) {
            receive("{\"type\":\"change\",\"id\":" + id + ",\"table\":\"" + table + "\",\"op\":\"INSERT\",\"record\":{\"id\":" + id
                    + "},\"old_record\":null,\"timestamp\":\"2025-01-01T00:00:00Z\"}");
        }

        void drop(int code, String reason) {
            events.onClose(code, reason);
        }

        String token() {
            String h = headers.get("Authorization");
            return h == null ? null : h.substring("Bearer ".length());
        }

        List<JsonNode> ofType(String type) {
            return sent.stream().filter(m -> type.equals(m.path("type").asText())).toList();
        }

        /** Waits for a sent message of this type and returns the first. */
        JsonNode awaitSent(String type) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !ofType(type).isEmpty());
            return ofType(type).get(0);
        }
    }
}
