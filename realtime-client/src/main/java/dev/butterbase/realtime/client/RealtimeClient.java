package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * A client of one Butterbase Realtime app: table subscriptions with resume, presence, events and token refresh over
 * one WebSocket that is replaced whenever it drops.
 *
 * <pre>{@code
 * RealtimeClient client = RealtimeClient.builder().url("https://api.example.com").appId(appId).token(jwt).build();
 * client.subscribe("messages", change -> System.out.println(change.op() + " " + change.record()),
 *         SubscribeOptions.builder().filter("room_id", "r1").build());
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link Builder#build()} starts connecting. After a drop the client reconnects with
 * exponential backoff and jitter, except after a close that means stop (1008: the token was refused or expired;
 * 1013 "Realtime disabled by plan"). On every new connection it subscribes again with {@code since} = the last
 * change id it delivered for each table, so changes made while it was away arrive then, in order; it never delivers
 * a change id that is not after the last one delivered for its table. A connection that sends nothing (not even a
 * heartbeat) for the heartbeat timeout is abandoned and replaced.
 *
 * <p><b>Threads.</b> Every method is safe to call from any thread. Each client has one event thread (a daemon,
 * named {@code butterbase-realtime-<appId>}) that runs every listener, one at a time, in message order, and
 * completes the futures of {@link #emit}: listeners must not block (hand blocking work to your own executor, or use
 * the futures' {@code *Async} methods). {@link #close()} stops the thread.
 */
public final class RealtimeClient implements AutoCloseable {

    private final Session session;
    private final Presence presence;
    private final Duration emitTimeout;

    private RealtimeClient(Session session, Duration emitTimeout) {
        this.session = session;
        this.presence = new Presence(session);
        this.emitTimeout = emitTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Subscribes to a table; {@code listener} gets each change the token's user may read, in commit order, once.
     * One subscription per table and client.
     *
     * @throws IllegalStateException when the table is already subscribed, or the client is closed
     */
    public Subscription subscribe(String table, ChangeListener listener, SubscribeOptions options) {
        return session.subscribe(Objects.requireNonNull(table, "table"), Objects.requireNonNull(listener, "listener"),
                Objects.requireNonNull(options, "options"));
    }

    public Subscription subscribe(String table, ChangeListener listener) {
        return subscribe(table, listener, SubscribeOptions.NONE);
    }

    public Presence presence() {
        return presence;
    }

    /**
     * Sends an event to the app's functions triggered by it. The future completes with their results by function
     * name ({@code {"on_ping": …}}), or fails with a {@link RealtimeException} (the server's code, e.g.
     * {@code EVENT_NOT_FOUND}, {@code FUNCTION_ERROR}; or {@code TIMEOUT}, {@code CONNECTION_LOST}, {@code CLOSED}).
     * An event waits for the connection to be open; one that was sent when the connection dropped is not sent again.
     *
     * @param payload anything Jackson can write
     */
    public CompletableFuture<JsonNode> emit(String event, Object payload) {
        return emit(event, payload, emitTimeout);
    }

    public CompletableFuture<JsonNode> emit(String event, Object payload, Duration timeout) {
        Objects.requireNonNull(event, "event");
        requirePositive(timeout, "timeout");
        return session.emit(event, Wire.JSON.valueToTree(payload), timeout);
    }

    /**
     * Replaces the token: sent at once as {@code access_token} when the connection is open (answered by
     * {@link #onTokenRefreshed}, or {@link #onError} with {@code INVALID_TOKEN}, after which the previous token is
     * kept), and used by every later reconnect. Call it before the current token expires: the server closes a
     * connection whose token expired with 1008, which is final.
     */
    public void setToken(String token) {
        session.setToken(Objects.requireNonNull(token, "token"));
    }

    public ConnectionStatus status() {
        return session.status();
    }

    /** This connection's id on the server (as in presence entries), or null before the first connect; changes on reconnect. */
    public String clientId() {
        return session.clientId();
    }

    /** The last change id delivered for a subscribed table (what a reconnect resumes from), or null. */
    public Long lastChangeId(String table) {
        return session.lastChangeId(table);
    }

    public Registration onStatus(StatusListener listener) {
        return session.statusListeners.add(listener);
    }

    /** Server {@code error} messages that are not the answer to an {@link #emit}. */
    public Registration onError(ErrorListener listener) {
        return session.errorListeners.add(listener);
    }

    /** Every resync, of any table (each subscription's own {@code onResync} is called too). */
    public Registration onResync(ResyncListener listener) {
        return session.resyncListeners.add(listener);
    }

    public Registration onTokenRefreshed(TokenListener listener) {
        return session.tokenListeners.add(listener);
    }

    /** Closes for good: no reconnect; waiting events fail with {@code CLOSED}. Idempotent. */
    @Override
    public void close() {
        session.close();
    }

    /** The endpoint of an app: {@code ws(s)://host[/prefix]/v1/{appId}/realtime} from an http(s) or ws(s) base URL. */
    static URI realtimeUri(String base, String appId) {
        URI uri = URI.create(base.trim());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String wsScheme = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("url must be an http(s) or ws(s) URL, got \"" + base + "\"");
        };
        if (uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("url has no host: \"" + base + "\"");
        }
        String prefix = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        String app = URLEncoder.encode(appId, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(wsScheme + "://" + uri.getRawAuthority() + prefix + "/v1/" + app + "/realtime");
    }

    private static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * Configures a client; {@link #build()} checks everything and starts connecting. Listeners added here see
     * every event from the first {@code CONNECTING} on.
     */
    public static final class Builder {
        private String url;
        private String appId;
        private String token;
        private Duration heartbeatTimeout = Duration.ofSeconds(75);
        private Backoff backoff = Backoff.DEFAULT;
        private boolean reconnect = true;
        private Duration emitTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private HttpClient httpClient;
        private Transport transport;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private StatusListener statusListener;
        private ErrorListener errorListener;
        private ResyncListener resyncListener;
        private TokenListener tokenListener;

        private Builder() {}

        /** The server's base URL: {@code https://host}, {@code http://127.0.0.1:8080}, or {@code wss://host}. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        public Builder appId(String appId) {
            this.appId = appId;
            return this;
        }

        /**
         * An end-user JWT, or the app's service key for a trusted server; sent as {@code Authorization: Bearer}.
         * Null (the default): an anonymous client of a {@code public} app.
         */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** Without any message for this long the connection is taken as dead (default 75 s: 2.5 × the server's 30 s heartbeat). */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = requirePositive(timeout, "heartbeatTimeout");
            return this;
        }

        /** Reconnect delays before jitter: the first, and the largest (default 500 ms and 30 s, doubling). */
        public Builder reconnectBackoff(Duration initialDelay, Duration maxDelay) {
            this.backoff = new Backoff(requirePositive(initialDelay, "initialDelay"), requirePositive(maxDelay, "maxDelay"), 2);
            return this;
        }

        /** False: never reconnect (default true). */
        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        /** How long {@link RealtimeClient#emit(String, Object)} waits for a result (default 30 s). */
        public Builder emitTimeout(Duration timeout) {
            this.emitTimeout = requirePositive(timeout, "emitTimeout");
            return this;
        }

        /** How long opening a WebSocket may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            return this;
        }

        /** The HTTP client to open WebSockets with (default: a new one per client). */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        public Builder onStatus(StatusListener listener) {
            this.statusListener = listener;
            return this;
        }

        public Builder onError(ErrorListener listener) {
            this.errorListener = listener;
            return this;
        }

        public Builder onResync(ResyncListener listener) {
            this.resyncListener = listener;
            return this;
        }

        public Builder onTokenRefreshed(TokenListener listener) {
            this.tokenListener = listener;
            return this;
        }

        /** For tests: a scripted transport. */
        Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** For tests: the jitter's random numbers. */
        Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        /** Checks the configuration and starts connecting. */
        public RealtimeClient build() {
            Objects.requireNonNull(url, "url");
            if (appId == null || appId.isBlank()) {
                throw new IllegalArgumentException("appId is required");
            }
            if (token != null && token.isEmpty()) {
                throw new IllegalArgumentException("token is empty (use null for an anonymous client)");
            }
            URI uri = realtimeUri(url, appId);
            Transport t = transport != null ? transport
                    : new JdkTransport(httpClient != null ? httpClient : HttpClient.newBuilder().connectTimeout(connectTimeout).build());
            Session session = new Session(new Session.Settings(uri, appId, token, heartbeatTimeout, backoff, reconnect,
                    emitTimeout, connectTimeout, t, random));
            if (statusListener != null) {
                session.statusListeners.add(statusListener);
            }
            if (errorListener != null) {
                session.errorListeners.add(errorListener);
            }
            if (resyncListener != null) {
                session.resyncListeners.add(resyncListener);
            }
            if (tokenListener != null) {
                session.tokenListeners.add(tokenListener);
            }
            RealtimeClient client = new RealtimeClient(session, emitTimeout);
            session.start();
            return client;
        }

        @Override
        public String toString() {
            // never the token
            return "RealtimeClient.Builder[url=" + url + ", appId=" + appId + ", token=" + (token == null ? "none" : "set")
                    + ", heartbeatTimeout=" + heartbeatTimeout + ", backoff=" + backoff + ", reconnect=" + reconnect + "]";
        }
    }
}
