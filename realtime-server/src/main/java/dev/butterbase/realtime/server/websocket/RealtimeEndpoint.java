package dev.butterbase.realtime.server.websocket;

import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.server.control.AccessMode;
import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.control.AppService;
import dev.butterbase.realtime.server.http.AdminAuth;
import dev.butterbase.realtime.server.http.HttpResponses;
import dev.butterbase.realtime.server.http.HttpRouter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/{app_id}/realtime}: authenticates the upgrade ({@code ?token=} or {@code Authorization: Bearer}),
 * completes the WebSocket handshake, and either installs a {@link RealtimeConnection} or closes with the
 * spec's code and reason (1008 for authentication, 1013 for plan limits). Never blocks the event loop: a JWKS
 * fetch runs on the blocking executor.
 */
public final class RealtimeEndpoint implements HttpRouter.RealtimeUpgrader, AppService.Listener {

    private static final Logger log = LoggerFactory.getLogger(RealtimeEndpoint.class);

    private final AppService apps;
    private final TokenVerifier verifier;
    private final Executor blocking;
    private final RealtimeConnection.Context context;

    public RealtimeEndpoint(RealtimeConnection.Context context) {
        this.apps = context.apps();
        this.verifier = context.verifier();
        this.blocking = context.blocking();
        this.context = context;
        apps.addListener(this);
    }

    public ConnectionRegistry registry() {
        return context.registry();
    }

    @Override
    public void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String appId) {
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            HttpResponses.send(ctx, false, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "WEBSOCKET_REQUIRED",
                    "this endpoint speaks WebSocket: connect with ws://…/v1/" + appId + "/realtime?token=…"));
            return;
        }
        App app = apps.find(appId).orElse(null);
        String token = token(request);
        CompletableFuture<TokenVerifier.Result> auth;
        if (app == null) {
            auth = CompletableFuture.completedFuture(TokenVerifier.Result.rejected("unknown app"));
        } else if (token == null) {
            auth = CompletableFuture.completedFuture(app.accessMode() == AccessMode.PUBLIC
                    ? new TokenVerifier.Result(Identity.ANON, null, null)
                    : TokenVerifier.Result.rejected("authentication required"));
        } else {
            auth = verifier.verify(app, token, blocking);
        }
        FullHttpRequest retained = request.retain();
        auth.whenComplete((result, failure) -> ctx.executor().execute(() -> {
            try {
                TokenVerifier.Result r = failure == null ? result : TokenVerifier.Result.rejected("invalid token");
                handshake(ctx, retained, app, r);
            } finally {
                retained.release();
            }
        }));
    }

    private static String token(FullHttpRequest request) {
        List<String> fromQuery = new QueryStringDecoder(request.uri()).parameters().get("token");
        if (fromQuery != null && !fromQuery.isEmpty() && !fromQuery.get(0).isEmpty()) {
            return fromQuery.get(0);
        }
        return AdminAuth.bearer(request);
    }

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, App app, TokenVerifier.Result auth) {
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            return;
        }
        String location = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, true,
                context.settings().maxMessageBytes()).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return;
        }
        handshaker.handshake(channel, request).addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("WebSocket handshake failed: {}", f.cause().toString());
                channel.close();
                return;
            }
            admit(channel, app, auth);
        });
    }

    private void admit(Channel channel, App app, TokenVerifier.Result auth) {
        if (!auth.accepted()) {
            refuse(channel, RealtimeConnection.POLICY_VIOLATION, auth.rejection());
            return;
        }
        if (!app.plan().realtimeEnabled()) {
            refuse(channel, RealtimeConnection.TRY_AGAIN_LATER, "Realtime disabled by plan");
            return;
        }
        RealtimeConnection connection = new RealtimeConnection(context, channel, app.appId(), auth.identity(), auth.expiresAt());
        if (!context.registry().tryAdd(app.appId(), connection, app.plan().maxRealtimeListeners())) {
            refuse(channel, RealtimeConnection.TRY_AGAIN_LATER, "plan limit: maxRealtimeListenersPerApp");
            return;
        }
        long idleMillis = context.settings().heartbeatInterval().toMillis() * 2;
        ChannelPipeline p = channel.pipeline();
        if (p.get("router") != null) {
            p.remove("router");
        }
        p.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(context.settings().maxMessageBytes()));
        p.addLast("realtime", connection);
        connection.start();
    }

    private static void refuse(Channel channel, int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void appUpdated(App app) {
        for (RealtimeConnection c : context.registry().of(app.appId())) {
            if (!app.plan().realtimeEnabled()) {
                c.close(RealtimeConnection.TRY_AGAIN_LATER, "Realtime disabled by plan");
            } else if (app.accessMode() == AccessMode.AUTHENTICATED && c.identity() != null
                    && c.identity().role() == dev.butterbase.realtime.engine.identity.Role.ANON) {
                c.close(RealtimeConnection.POLICY_VIOLATION, "authentication required");
            }
        }
    }

    @Override
    public void appDeleted(App app) {
        for (RealtimeConnection c : context.registry().of(app.appId())) {
            c.close(RealtimeConnection.NORMAL, "app deleted");
        }
    }
}
