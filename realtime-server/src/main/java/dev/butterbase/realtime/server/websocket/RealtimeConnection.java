package dev.butterbase.realtime.server.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.AppPipeline;
import dev.butterbase.realtime.engine.fanout.RowFilter;
import dev.butterbase.realtime.engine.fanout.Subscriber;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.server.control.AppService;
import dev.butterbase.realtime.server.control.RealtimeControl;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's realtime connection: the protocol of spec §4 on a WebSocket, and the engine's
 * {@link Subscriber} for it. Frames are handled on the channel's event loop; {@link #deliver} is called from
 * the app's dispatch thread and only queues writes. Outbound bytes are bounded: a client that cannot keep up is
 * closed (1013) instead of growing the server's memory.
 */
public final class RealtimeConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements Subscriber {

    private static final Logger log = LoggerFactory.getLogger(RealtimeConnection.class);

    /** Close codes (RFC 6455 and spec §6). */
    public static final int NORMAL = 1000;
    public static final int POLICY_VIOLATION = 1008;
    public static final int TRY_AGAIN_LATER = 1013;

    /** Queued-but-unflushed bytes after which a burst is flushed early. */
    static final long FLUSH_EVERY_BYTES = 256 * 1024;
    /** Outbound bytes, as a multiple of the limit, past which a client is closed without waiting for a heartbeat. */
    static final long HARD_LIMIT_FACTOR = 4;

    /** Everything a connection shares with the others of the server. */
    public record Context(RealtimeControl realtime, ConnectionRegistry registry, Map<String, ClientMessageHandler> handlers,
            WebSocketSettings settings, Clock clock, TokenVerifier verifier, AppService apps, Executor blocking) {}

    private final Context context;
    private final Channel channel;
    private final String appId;
    private final String clientId = UUID.randomUUID().toString();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong unflushedBytes = new AtomicLong();
    /** Messages accepted but not yet handed to Netty; drained in order on the event loop. */
    private final java.util.Queue<byte[]> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Identity identity;
    private volatile Instant expiresAt;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> expiry;

    RealtimeConnection(Context context, Channel channel, String appId, Identity identity, Instant expiresAt) {
        this.context = context;
        this.channel = channel;
        this.appId = appId;
        this.identity = identity;
        this.expiresAt = expiresAt;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    public String appId() {
        return appId;
    }

    /** The verified identity, or null once its token expired. */
    @Override
    public Identity identity() {
        return identity;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Channel channel() {
        return channel;
    }

    /** Called on the event loop once the handler is in the pipeline. */
    void start() {
        Duration interval = context.settings().heartbeatInterval();
        heartbeat = channel.eventLoop().scheduleAtFixedRate(this::heartbeat, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        scheduleExpiry();
        send(ServerMessages.message("connected").put("app_id", appId).put("role", identity.role().wireName())
                .put("client_id", clientId));
    }

    private void scheduleExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        if (expiresAt == null) {
            return;
        }
        long delay = Duration.between(context.clock().instant(), expiresAt.plus(context.settings().tokenExpiryGrace())).toMillis();
        expiry = channel.eventLoop().schedule(() -> {
            identity = null;
            close(POLICY_VIOLATION, "token expired");
        }, Math.max(0, delay), TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        if (pendingBytes.get() > context.settings().maxOutboundBytes()) {
            closeSlowConsumer();
            return;
        }
        send(ServerMessages.heartbeat(context.clock().instant()));
        channel.writeAndFlush(new PingWebSocketFrame());
    }

    /** Sends a control message. Safe from any thread. */
    public void send(ObjectNode message) {
        deliver(ServerMessages.bytes(message));
    }

    @Override
    public void deliver(byte[] message) {
        if (enqueue(message)) {
            flush();
        }
    }

    @Override
    public void write(byte[] message) {
        if (enqueue(message) && unflushedBytes.addAndGet(message.length) >= FLUSH_EVERY_BYTES) {
            flush(); // a large burst starts draining before it is fully queued
        }
    }

    @Override
    public void flush() {
        unflushedBytes.set(0);
        OutboundBatches.schedule(this);
    }

    /** On the event loop: writes everything queued, in order, and flushes once. */
    void drainOutbox() {
        byte[] message = outbox.poll();
        if (message == null) {
            return;
        }
        while (message != null) {
            int length = message.length;
            if (channel.isActive()) {
                channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(message)))
                        .addListener(f -> pendingBytes.addAndGet(-length));
            }
            message = outbox.poll();
        }
        channel.flush();
    }

    /**
     * Queues a message unless the connection is closing. Outbound bytes are bounded twice: a client whose queue
     * stays above {@code maxOutboundBytes} at a heartbeat is too slow (a burst larger than the limit is fine if
     * the client drains it in time); a queue four times over the limit is closed at once, so memory stays bounded.
     */
    private boolean enqueue(byte[] message) {
        if (!channel.isActive() || closing.get()) {
            return false;
        }
        long pending = pendingBytes.addAndGet(message.length);
        if (pending > HARD_LIMIT_FACTOR * context.settings().maxOutboundBytes()) {
            pendingBytes.addAndGet(-message.length);
            closeSlowConsumer();
            return false;
        }
        outbox.add(message);
        return true;
    }

    private void closeSlowConsumer() {
        log.info("closing client {} of {}: more than {} bytes waiting to be sent", clientId, appId,
                context.settings().maxOutboundBytes());
        close(TRY_AGAIN_LATER, "slow consumer: outbound buffer full");
    }

    /** Sends a close frame with a code and reason, then closes. Safe from any thread; only the first call counts. */
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        // the close frame waits behind whatever is queued; a peer that never reads must not hold the connection
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, context.settings().heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the connection is being closed (no more messages are queued for it). */
    public boolean closing() {
        return closing.get();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            onText(text.text());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            if (closing.compareAndSet(false, true)) {
                ctx.writeAndFlush(new CloseWebSocketFrame(NORMAL, "")).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        } else if (frame instanceof BinaryWebSocketFrame) {
            send(ServerMessages.error("INVALID_MESSAGE", "messages are JSON text frames"));
        }
        // pong frames need nothing: any frame counts as liveness for the idle handler
    }

    private void onText(String text) {
        JsonNode parsed;
        try {
            parsed = ServerMessages.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            send(ServerMessages.error("MALFORMED_MESSAGE", "the message is not valid JSON"));
            return;
        }
        if (parsed == null || !parsed.isObject() || !parsed.path("type").isTextual()) {
            send(ServerMessages.error("INVALID_MESSAGE", "a message is a JSON object with a string \"type\""));
            return;
        }
        ObjectNode message = (ObjectNode) parsed;
        String type = message.get("type").asText();
        try {
            switch (type) {
                case "subscribe" -> subscribe(message);
                case "unsubscribe" -> unsubscribe(message);
                case "access_token" -> refreshToken(message);
                default -> {
                    ClientMessageHandler handler = context.handlers().get(type);
                    if (handler == null) {
                        reply(message, ServerMessages.error("UNKNOWN_MESSAGE_TYPE", "unknown message type \"" + type + "\""));
                    } else {
                        handler.handle(this, message);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("handling a {} message of client {} failed", type, clientId, e);
            reply(message, ServerMessages.error("INTERNAL", "the server failed to handle the message"));
        }
    }

    /** Sends a reply, echoing the request's {@code ref} when it has one. */
    public void reply(ObjectNode request, ObjectNode response) {
        JsonNode ref = request.get("ref");
        if (ref != null && !ref.isNull() && !response.has("ref")) {
            response.set("ref", ref);
        }
        send(response);
    }

    private void subscribe(ObjectNode message) {
        JsonNode tableNode = message.get("table");
        if (tableNode == null || !tableNode.isTextual() || tableNode.asText().isEmpty()) {
            reply(message, ServerMessages.error("INVALID_MESSAGE", "subscribe needs a string \"table\""));
            return;
        }
        String table = tableNode.asText();
        if (!context.realtime().isEnabled(appId, table)) {
            reply(message, ServerMessages.error("TABLE_NOT_ENABLED", "realtime is not enabled for table \"" + table
                    + "\" (manage_realtime configure)").put("table", table));
            return;
        }
        RowFilter filter;
        JsonNode filterNode = message.get("filter");
        try {
            if (filterNode == null || filterNode.isNull()) {
                filter = RowFilter.NONE;
            } else if (!filterNode.isObject()) {
                throw new IllegalArgumentException("filter must be an object {column: value}");
            } else {
                filter = RowFilter.of((ObjectNode) filterNode);
            }
        } catch (IllegalArgumentException e) {
            reply(message, ServerMessages.error("INVALID_FILTER", e.getMessage()).put("table", table));
            return;
        }
        JsonNode sinceNode = message.get("since");
        Long since = null;
        if (sinceNode != null && !sinceNode.isNull()) {
            if (!sinceNode.canConvertToLong() || !sinceNode.isIntegralNumber() || sinceNode.asLong() < 0) {
                reply(message, ServerMessages.error("INVALID_SINCE", "since must be a change id (a non-negative integer)")
                        .put("table", table));
                return;
            }
            since = sinceNode.asLong();
        }
        if (!subscriptions.contains(table) && subscriptions.size() >= context.settings().maxSubscriptions()) {
            reply(message, ServerMessages.error("TOO_MANY_SUBSCRIPTIONS", "at most " + context.settings().maxSubscriptions()
                    + " tables per connection").put("table", table));
            return;
        }
        Optional<AppPipeline> pipeline = context.realtime().pipeline(appId);
        if (pipeline.isEmpty()) {
            reply(message, ServerMessages.error("UNAVAILABLE", "realtime is starting for this app; retry").put("table", table));
            return;
        }
        subscriptions.add(table);
        ObjectNode subscribed = ServerMessages.message("subscribed").put("table", table);
        long position = pipeline.get().lastDispatchedSeq();
        if (since == null && position >= 0) {
            subscribed.put("id", position); // resume point for a client that drops before its first change
        }
        reply(message, subscribed);
        if (since == null) {
            pipeline.get().subscribe(this, table, filter);
        } else {
            pipeline.get().subscribe(this, table, filter, since, () -> send(ServerMessages.message("resync_required")
                    .put("table", table).put("reason", "changes after id " + sinceNode.asText()
                            + " are no longer retained (or the id is unknown); reload and subscribe without since")));
        }
    }

    /**
     * {@code access_token {token}}: replaces the credentials without reconnecting. The new token is verified as at
     * connect, for the same app; on success every later RLS check and presence entry uses its identity.
     */
    private void refreshToken(ObjectNode message) {
        JsonNode tokenNode = message.get("token");
        if (tokenNode == null || !tokenNode.isTextual() || tokenNode.asText().isEmpty()) {
            reply(message, ServerMessages.error("INVALID_MESSAGE", "access_token needs a string \"token\""));
            return;
        }
        Optional<dev.butterbase.realtime.server.control.App> app = context.apps().find(appId);
        if (app.isEmpty()) {
            close(NORMAL, "app deleted");
            return;
        }
        context.verifier().verify(app.get(), tokenNode.asText(), context.blocking()).whenComplete((result, failure) ->
                channel.eventLoop().execute(() -> {
                    if (failure != null || !result.accepted()) {
                        reply(message, ServerMessages.error("INVALID_TOKEN",
                                failure != null ? "invalid token" : result.rejection()));
                        return;
                    }
                    identity = result.identity();
                    expiresAt = result.expiresAt();
                    scheduleExpiry();
                    ObjectNode refreshed = ServerMessages.message("token_refreshed")
                            .put("role", identity.role().wireName());
                    if (expiresAt == null) {
                        refreshed.putNull("expires_at");
                    } else {
                        refreshed.put("expires_at", expiresAt.toString());
                    }
                    reply(message, refreshed);
                }));
    }

    private void unsubscribe(ObjectNode message) {
        JsonNode tableNode = message.get("table");
        if (tableNode == null || !tableNode.isTextual()) {
            reply(message, ServerMessages.error("INVALID_MESSAGE", "unsubscribe needs a string \"table\""));
            return;
        }
        String table = tableNode.asText();
        subscriptions.remove(table);
        context.realtime().pipeline(appId).ifPresent(p -> p.unsubscribe(this, table));
        reply(message, ServerMessages.message("unsubscribed").put("table", table));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            close(NORMAL, "heartbeat missed");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
        context.registry().remove(appId, this);
        context.realtime().pipeline(appId).ifPresent(p -> p.disconnect(this));
        for (ClientMessageHandler handler : Set.copyOf(context.handlers().values())) {
            handler.connectionClosed(this);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("realtime connection {} failed: {}", clientId, cause.toString());
        ctx.close();
    }

    @Override
    public String toString() {
        return "RealtimeConnection[" + clientId + " of " + appId + "]";
    }
}
