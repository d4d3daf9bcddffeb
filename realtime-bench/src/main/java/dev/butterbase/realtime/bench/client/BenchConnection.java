package dev.butterbase.realtime.bench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark client on a WebSocket: follows the protocol up to "ready" (the scenario decides when) and hands
 * every message to the scenario's {@link ClientSession}. Lives on one event loop; {@link #send} is safe from any
 * thread.
 */
public final class BenchConnection extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HEARTBEAT = ChangeScanner.typePrefix("heartbeat");

    private final int index;
    private final ClientSession session;
    private final ClientFleet.Tracker tracker;
    private final LoopContext loop;
    private volatile Channel channel;
    private boolean ready;
    private boolean settled;
    private int closeCode = -1;
    private String closeReason;

    BenchConnection(int index, ClientSession session, ClientFleet.Tracker tracker, LoopContext loop) {
        this.index = index;
        this.session = session;
        this.tracker = tracker;
        this.loop = loop;
    }

    /** The client's number in the run, 0-based. */
    public int index() {
        return index;
    }

    /** The event loop's shared state (histogram, scanner); use only on the client's event loop. */
    public LoopContext loop() {
        return loop;
    }

    public boolean isOpen() {
        Channel c = channel;
        return c != null && c.isActive();
    }

    /** Sends a text message. */
    public void send(String text) {
        Channel c = channel;
        if (c != null && c.isActive()) {
            c.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    /** Runs {@code task} on the client's event loop at a fixed rate until the connection closes. */
    public void every(long initialDelayMicros, long periodMicros, Runnable task) {
        Channel c = channel;
        if (c == null) {
            return;
        }
        ScheduledFuture<?> f = c.eventLoop().scheduleAtFixedRate(task, initialDelayMicros, periodMicros, TimeUnit.MICROSECONDS);
        c.closeFuture().addListener(done -> f.cancel(false));
    }

    /** The client is set up (subscribed, tracked, …); call once, on its event loop. */
    public void markReady() {
        if (!ready) {
            ready = true;
            settle();
            tracker.ready(index);
        }
    }

    /** The client cannot take part (an error answer, …): counted as a failure; it is closed. */
    public void fail(String problem) {
        if (!settled) {
            settle();
            tracker.failed(index, problem);
        } else {
            tracker.problem(index, problem);
        }
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    /** Closes with a normal close frame. */
    public void close() {
        Channel c = channel;
        if (c != null && c.isActive()) {
            c.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")).addListener(f -> c.close());
        }
    }

    private void settle() {
        if (!settled) {
            settled = true;
            tracker.settled();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail("WebSocket handshake timed out");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            onText(frame);
        } else if (frame instanceof CloseWebSocketFrame close) {
            closeCode = close.statusCode();
            closeReason = close.reasonText();
            ctx.close();
        }
        // pings are answered by the protocol handler; pongs are dropped there
    }

    private void onText(WebSocketFrame frame) {
        if (ChangeScanner.isChange(frame.content())) {
            session.onChange(this, loop, frame.content());
            return;
        }
        if (ChangeScanner.hasType(frame.content(), HEARTBEAT) || session.onText(this, loop, frame.content())) {
            return;
        }
        JsonNode message;
        try (ByteBufInputStream in = new ByteBufInputStream(frame.content().duplicate())) {
            message = JSON.readTree((java.io.InputStream) in);
        } catch (IOException e) {
            tracker.problem(index, "unparsable message: " + e.getMessage());
            return;
        }
        if ("connected".equals(message.path("type").asText())) {
            session.onConnected(this);
        } else {
            session.onMessage(this, message);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!settled) {
            settle();
            tracker.failed(index, "closed during setup" + describeClose());
        } else {
            tracker.closed(index, describeClose());
        }
        super.channelInactive(ctx);
    }

    private String describeClose() {
        return closeCode < 0 ? " (no close frame)" : " (close " + closeCode + " " + closeReason + ")";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tracker.problem(index, cause.toString());
        ctx.close();
    }
}
