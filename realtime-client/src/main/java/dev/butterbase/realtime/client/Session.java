package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * The state machine behind {@link RealtimeClient}: one WebSocket at a time, replaced when it drops.
 *
 * <p>Confinement: every field without {@code volatile} is read and written only on the client's single event
 * thread ({@link #loop}); transport events and public calls hop onto it. Each socket attempt has a generation
 * number; events of an older generation are ignored, so a late message of a dropped socket never counts.
 */
final class Session {

    /** Close code reported when no close frame came (network failure, heartbeat timeout). */
    static final int ABNORMAL = 1006;

    /** What the builder decided; checked there. */
    record Settings(URI uri, String appId, String token, Duration heartbeatTimeout, Backoff backoff, boolean reconnect,
            Duration emitTimeout, Duration connectTimeout, Transport transport, DoubleSupplier random) {}

    private static final String DEFAULT_CHANNEL_KEY = "\u0000default";

    final Listeners<StatusListener> statusListeners = new Listeners<>();
    final Listeners<ErrorListener> errorListeners = new Listeners<>();
    final Listeners<ResyncListener> resyncListeners = new Listeners<>();
    final Listeners<TokenListener> tokenListeners = new Listeners<>();
    final Listeners<PresenceStateListener> presenceStateListeners = new Listeners<>();
    final Listeners<PresenceDiffListener> presenceDiffListeners = new Listeners<>();

    private final Settings settings;
    private final ScheduledThreadPoolExecutor loop;
    private final Thread[] loopThread = new Thread[1];
    private final Map<String, TableSubscription> subscriptions = new ConcurrentHashMap<>();
    private final PendingEmits emits;

    private volatile ConnectionStatus status = ConnectionStatus.CONNECTING;
    private volatile boolean stopped;
    private volatile String clientId;

    private String token;
    private String socketToken;
    private Transport.Socket socket;
    private int generation;
    private boolean ready;
    private int attempt;
    private long refSeq;
    private long lastSeenNanos;
    private ScheduledFuture<?> heartbeatTask;
    private ScheduledFuture<?> reconnectTask;
    /** {@code access_token} refs waiting for an answer → {token sent, token it replaced}. */
    private final Map<String, String[]> tokenRequests = new HashMap<>();
    private final Map<String, ObjectNode> tracked = new LinkedHashMap<>();
    private final Map<String, ObjectNode> presenceSubscriptions = new LinkedHashMap<>();

    Session(Settings settings) {
        this.settings = settings;
        this.token = settings.token();
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "butterbase-realtime-" + settings.appId());
            t.setDaemon(true);
            loopThread[0] = t;
            return t;
        });
        this.loop.setRemoveOnCancelPolicy(true);
        this.emits = new PendingEmits(loop);
    }

    void start() {
        submit(this::connect);
    }

    ConnectionStatus status() {
        return status;
    }

    String clientId() {
        return clientId;
    }

    Long lastChangeId(String table) {
        TableSubscription s = subscriptions.get(table);
        return s == null ? null : s.lastChangeId();
    }

    // ---- calls from any thread

    Subscription subscribe(String table, ChangeListener listener, SubscribeOptions options) {
        requireOpen();
        TableSubscription subscription = new TableSubscription(this, table, listener, options);
        if (subscriptions.putIfAbsent(table, subscription) != null) {
            throw new IllegalStateException("already subscribed to \"" + table + "\" on this client: unsubscribe first");
        }
        submit(() -> {
            if (ready && subscriptions.get(table) == subscription && subscription.sentGeneration != generation) {
                sendSubscribe(subscription);
            }
        });
        return subscription;
    }

    void unsubscribe(TableSubscription subscription) {
        if (subscriptions.remove(subscription.table(), subscription)) {
            submit(() -> send(Wire.message("unsubscribe").put("table", subscription.table())));
        }
    }

    CompletableFuture<JsonNode> emit(String event, JsonNode payload, Duration timeout) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        if (stopped || !submit(() -> {
            if (stopped) {
                result.completeExceptionally(closedError());
                return;
            }
            String ref = nextRef("e");
            emits.add(ref, Wire.message("event").put("event", event).put("ref", ref).set("payload", payload), result, timeout);
            if (ready) {
                flushEmits();
            }
        })) {
            result.completeExceptionally(closedError());
        }
        return result;
    }

    void setToken(String newToken) {
        submit(() -> {
            String previous = token;
            token = newToken;
            if (ready) {
                sendAccessToken(newToken, previous);
            }
        });
    }

    void track(String channel, JsonNode metadata) {
        ObjectNode message = Wire.message("presence_track").set("metadata", metadata);
        if (channel != null) {
            message.put("channel", channel);
        }
        submit(() -> {
            tracked.put(channel == null ? DEFAULT_CHANNEL_KEY : channel, message);
            send(message);
        });
    }

    void untrack(String channel) {
        ObjectNode message = Wire.message("presence_untrack");
        if (channel != null) {
            message.put("channel", channel);
        }
        submit(() -> {
            tracked.remove(channel == null ? DEFAULT_CHANNEL_KEY : channel);
            send(message);
        });
    }

    void presenceSubscribe(String channel, boolean diffs) {
        ObjectNode message = Wire.message("presence_subscribe");
        if (channel != null) {
            message.put("channel", channel);
        }
        if (diffs) {
            message.put("diffs", true);
        }
        submit(() -> {
            presenceSubscriptions.put(channel == null ? DEFAULT_CHANNEL_KEY : channel, message);
            send(message);
        });
    }

    void presenceUnsubscribe(String channel) {
        ObjectNode message = Wire.message("presence_unsubscribe");
        if (channel != null) {
            message.put("channel", channel);
        }
        String key = channel == null ? DEFAULT_CHANNEL_KEY : channel;
        submit(() -> {
            presenceSubscriptions.remove(key);
            tracked.remove(key);
            send(message);
        });
    }

    /** Closes for good and stops the event thread; waits (up to 5 s) unless called on the event thread. */
    void close() {
        Runnable close = () -> {
            if (!stopped) {
                Transport.Socket s = socket;
                detach();
                if (s != null) {
                    s.close(1000, "client closed");
                }
                stop(1000, "client closed");
            }
            loop.shutdown();
        };
        if (Thread.currentThread() == loopThread[0]) {
            close.run();
            return;
        }
        try {
            loop.submit(close).get(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // already closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("closing the realtime client failed", e);
        }
    }

    // ---- the socket's life (event thread)

    private void connect() {
        reconnectTask = null;
        if (stopped) {
            return;
        }
        setStatus(StatusEvent.of(ConnectionStatus.CONNECTING));
        if (stopped) {
            return;
        }
        int gen = ++generation;
        socketToken = token;
        Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
        watchHeartbeat();
        Transport.Events events = new Transport.Events() {
            @Override
            public void onOpen(Transport.Socket opened) {
                if (!submit(() -> {
                    if (gen == generation) {
                        socket = opened;
                    } else {
                        opened.abort();
                    }
                })) {
                    opened.abort();
                }
            }

            @Override
            public void onText(String text) {
                submit(() -> {
                    if (gen == generation) {
                        onMessage(text);
                    }
                });
            }

            @Override
            public void onClose(int code, String reason) {
                submit(() -> {
                    if (gen == generation) {
                        dropped(code, reason);
                    }
                });
            }

            @Override
            public void onError(Throwable error) {
                submit(() -> {
                    if (gen == generation) {
                        dropped(ABNORMAL, describe(error));
                    }
                });
            }
        };
        try {
            settings.transport().connect(settings.uri(), headers, settings.connectTimeout(), events);
        } catch (RuntimeException e) {
            dropped(ABNORMAL, describe(e));
        }
    }

    /** The socket is gone: reconnect, unless the close means stop. */
    private void dropped(int code, String reason) {
        Transport.Socket s = socket;
        detach();
        if (s != null && code == ABNORMAL) {
            s.abort();
        }
        emits.failSent();
        tokenRequests.clear();
        if (stopped) {
            return;
        }
        if (Backoff.isStop(code, reason) || !settings.reconnect()) {
            stop(code, reason);
            return;
        }
        attempt++;
        Duration delay = settings.backoff().delay(attempt, settings.random().getAsDouble());
        reconnectTask = loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
        setStatus(new StatusEvent(ConnectionStatus.RECONNECTING, code, reason, attempt, delay));
    }

    private void stop(int code, String reason) {
        stopped = true;
        detach();
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        emits.failAll(new RealtimeException("CLOSED", "the connection is closed (" + code + " " + reason + ")", null));
        setStatus(StatusEvent.closed(code, reason));
    }

    /** Forgets the current socket: later events of it are ignored. */
    private void detach() {
        ready = false;
        generation++;
        socket = null;
        if (heartbeatTask != null) {
            heartbeatTask.cancel(false);
            heartbeatTask = null;
        }
    }

    /** Any message counts; without one for the heartbeat timeout the socket is abandoned (it may never close). */
    private void watchHeartbeat() {
        lastSeenNanos = System.nanoTime();
        checkHeartbeatIn(settings.heartbeatTimeout().toNanos());
    }

    private void checkHeartbeatIn(long nanos) {
        int gen = generation;
        heartbeatTask = loop.schedule(() -> {
            if (gen != generation) {
                return;
            }
            long timeout = settings.heartbeatTimeout().toNanos();
            long idle = System.nanoTime() - lastSeenNanos;
            if (idle < timeout) {
                checkHeartbeatIn(timeout - idle);
                return;
            }
            dropped(ABNORMAL, "no message from the server for " + settings.heartbeatTimeout().toMillis() + " ms");
        }, nanos, TimeUnit.NANOSECONDS);
    }

    // ---- messages (event thread)

    private void onMessage(String text) {
        lastSeenNanos = System.nanoTime();
        JsonNode m;
        try {
            m = Wire.JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (m == null || !m.isObject() || !m.path("type").isTextual()) {
            return;
        }
        switch (m.get("type").asText()) {
            case "connected" -> onConnected(m);
            case "change" -> {
                TableSubscription s = subscriptions.get(Wire.text(m, "table"));
                Change change = Wire.change(m);
                if (s != null && change != null) {
                    s.deliver(change);
                }
            }
            case "subscribed" -> {
                TableSubscription s = subscriptions.get(Wire.text(m, "table"));
                if (s != null) {
                    s.subscribed(m.path("id").isIntegralNumber() ? m.get("id").asLong() : null);
                }
            }
            case "resync_required" -> resync(Wire.text(m, "table"), String.valueOf(Wire.text(m, "reason")));
            case "token_refreshed" -> {
                tokenRequests.remove(Wire.text(m, "ref"));
                Instant expiresAt = Wire.instant(m, "expires_at");
                String role = Wire.text(m, "role");
                tokenListeners.emit(l -> l.onTokenRefreshed(expiresAt, role));
            }
            case "presence_state" -> {
                PresenceState state = Wire.presenceState(m);
                presenceStateListeners.emit(l -> l.onState(state));
            }
            case "presence_diff" -> {
                PresenceDiff diff = Wire.presenceDiff(m);
                presenceDiffListeners.emit(l -> l.onDiff(diff));
            }
            case "event_result" -> onEventResult(m);
            case "error" -> onServerError(m);
            default -> {
                // heartbeat, and types added later
            }
        }
    }

    private void onConnected(JsonNode m) {
        ready = true;
        attempt = 0;
        clientId = Wire.text(m, "client_id");
        if (token != null && !token.equals(socketToken)) {
            // setToken was called while this socket connected with the previous token
            sendAccessToken(token, socketToken);
        }
        for (TableSubscription s : subscriptions.values()) {
            sendSubscribe(s);
        }
        presenceSubscriptions.values().forEach(this::send);
        tracked.values().forEach(this::send);
        flushEmits();
        setStatus(StatusEvent.of(ConnectionStatus.OPEN));
    }

    private void sendSubscribe(TableSubscription s) {
        s.sentGeneration = generation;
        ObjectNode message = s.subscribeMessage(nextRef("s"), () -> resync(s.table(), TableSubscription.NO_POSITION_REASON));
        send(message);
    }

    private void resync(String table, String reason) {
        TableSubscription s = table == null ? null : subscriptions.get(table);
        if (s != null) {
            s.resync(reason);
        }
        resyncListeners.emit(l -> l.onResync(table, reason));
    }

    private void onEventResult(JsonNode m) {
        String ref = Wire.text(m, "ref");
        if ("ok".equals(Wire.text(m, "status"))) {
            emits.complete(ref, Wire.nullable(m, "result"));
            return;
        }
        JsonNode error = m.get("error");
        String code = error != null && error.path("code").isTextual() ? error.get("code").asText() : "EVENT_FAILED";
        String message = error != null && error.path("message").isTextual() ? error.get("message").asText()
                : error != null && error.isTextual() ? error.asText() : "event \"" + Wire.text(m, "event") + "\" failed";
        emits.fail(ref, new RealtimeException(code, message, m));
    }

    private void onServerError(JsonNode m) {
        ServerError error = new ServerError(String.valueOf(Wire.text(m, "code")), String.valueOf(Wire.text(m, "message")),
                Wire.text(m, "table"), Wire.text(m, "ref"));
        if (emits.has(error.ref())) {
            emits.fail(error.ref(), new RealtimeException(error.code(), error.message(), m));
            return;
        }
        String[] request = error.ref() == null ? null : tokenRequests.remove(error.ref());
        if (request != null && request[0].equals(token)) {
            token = request[1]; // keep the token the server still accepts for reconnects
        }
        TableSubscription s = error.table() == null ? null : subscriptions.get(error.table());
        if (s != null) {
            s.error(error);
        }
        errorListeners.emit(l -> l.onError(error));
    }

    private void sendAccessToken(String newToken, String previous) {
        String ref = nextRef("t");
        tokenRequests.put(ref, new String[] {newToken, previous});
        send(Wire.message("access_token").put("token", newToken).put("ref", ref));
    }

    private void flushEmits() {
        emits.takeUnsent().forEach(this::send);
    }

    /** Sends on the current socket once the server said {@code connected}; otherwise drops it (all is re-sent then). */
    private void send(ObjectNode message) {
        if (ready && socket != null) {
            socket.send(message.toString());
        }
    }

    private void setStatus(StatusEvent event) {
        status = event.status();
        statusListeners.emit(l -> l.onStatus(event));
    }

    private String nextRef(String prefix) {
        return prefix + (++refSeq);
    }

    /** Runs on the event thread; false when the client is closed. */
    private boolean submit(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void requireOpen() {
        if (stopped) {
            throw new IllegalStateException("the realtime client is closed");
        }
    }

    private static RealtimeException closedError() {
        return new RealtimeException("CLOSED", "the realtime client is closed", null);
    }

    private static String describe(Throwable error) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = error; t != null && parts.size() < 3; t = t.getCause()) {
            parts.add(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
        return String.join(" / ", parts);
    }
}
