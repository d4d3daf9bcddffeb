package dev.butterbase.realtime.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Transport} on the JDK's {@link java.net.http.WebSocket}. Pings are answered by the JDK. */
final class JdkTransport implements Transport {

    /** How long a close handshake may take before the connection is dropped anyway. */
    private static final long CLOSE_GRACE_SECONDS = 5;

    private final HttpClient http;

    JdkTransport(HttpClient http) {
        this.http = http;
    }

    @Override
    public void connect(URI uri, Map<String, String> headers, Duration timeout, Events events) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        headers.forEach(builder::header);
        builder.buildAsync(uri, new Adapter(events)).whenComplete((socket, failure) -> {
            if (failure != null) {
                events.onError(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            }
        });
    }

    /** One message at a time is handed over; the next is requested once it was. */
    private static final class Adapter implements WebSocket.Listener {
        private final Events events;
        private final StringBuilder partial = new StringBuilder();

        Adapter(Events events) {
            this.events = events;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            events.onOpen(new JdkSocket(webSocket, events));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                events.onText(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.onClose(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.onError(error);
        }
    }

    /** Sends are chained: the JDK allows one outstanding send per WebSocket. */
    private static final class JdkSocket implements Socket {
        private final WebSocket webSocket;
        private final Events events;
        private final AtomicBoolean failed = new AtomicBoolean();
        private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

        JdkSocket(WebSocket webSocket, Events events) {
            this.webSocket = webSocket;
            this.events = events;
        }

        @Override
        public synchronized void send(String text) {
            last = last.thenCompose(ignored -> webSocket.sendText(text, true)).whenComplete((ignored, failure) -> {
                if (failure != null && failed.compareAndSet(false, true)) {
                    // the JDK does not report a failed send to the listener: the socket is unusable, say so
                    webSocket.abort();
                    events.onError(failure);
                }
            });
        }

        @Override
        public synchronized void close(int code, String reason) {
            last = last.thenCompose(ignored -> webSocket.sendClose(code, reason)).whenComplete((ignored, failure) ->
                    CompletableFuture.delayedExecutor(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS).execute(webSocket::abort));
        }

        @Override
        public void abort() {
            webSocket.abort();
        }
    }
}
