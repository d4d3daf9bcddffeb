package dev.butterbase.realtime.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.butterbase.realtime.engine.EngineSettings;
import dev.butterbase.realtime.engine.RealtimeEngine;
import dev.butterbase.realtime.engine.presence.LocalPresenceStore;
import dev.butterbase.realtime.engine.presence.PresenceHub;
import dev.butterbase.realtime.engine.presence.PresenceSettings;
import dev.butterbase.realtime.server.control.AppDatabases;
import dev.butterbase.realtime.server.control.AppProvisioner;
import dev.butterbase.realtime.server.control.AppService;
import dev.butterbase.realtime.server.control.ControlPlaneStartup;
import dev.butterbase.realtime.server.control.ControlStore;
import dev.butterbase.realtime.server.control.Plan;
import dev.butterbase.realtime.server.control.PostgresUrl;
import dev.butterbase.realtime.server.control.RealtimeControl;
import dev.butterbase.realtime.server.embedded.EmbeddedCluster;
import dev.butterbase.realtime.server.functions.EventHandler;
import dev.butterbase.realtime.server.functions.FunctionInvoker;
import dev.butterbase.realtime.server.functions.FunctionRegistry;
import dev.butterbase.realtime.server.functions.FunctionSettings;
import dev.butterbase.realtime.server.http.AdminAuth;
import dev.butterbase.realtime.server.http.HttpRouter;
import dev.butterbase.realtime.server.mcp.McpEndpoint;
import dev.butterbase.realtime.server.metrics.ServerMetrics;
import dev.butterbase.realtime.server.presence.PresenceHandler;
import dev.butterbase.realtime.server.tools.AppAccess;
import dev.butterbase.realtime.server.tools.ManageAppTool;
import dev.butterbase.realtime.server.tools.ManageFunctionsTool;
import dev.butterbase.realtime.server.tools.ManageRealtimeTool;
import dev.butterbase.realtime.server.tools.ManageRlsTool;
import dev.butterbase.realtime.server.tools.ManageSchemaTool;
import dev.butterbase.realtime.server.tools.SelectRowsTool;
import dev.butterbase.realtime.server.tools.Tool;
import dev.butterbase.realtime.server.tools.ToolRegistry;
import dev.butterbase.realtime.server.websocket.ClientMessageHandler;
import dev.butterbase.realtime.server.websocket.ConnectionRegistry;
import dev.butterbase.realtime.server.websocket.RealtimeConnection;
import dev.butterbase.realtime.server.websocket.RealtimeEndpoint;
import dev.butterbase.realtime.server.websocket.TokenVerifier;
import dev.butterbase.realtime.server.websocket.WebSocketSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server: database (embedded or external), control plane, engine and Netty, started and stopped
 * as one. {@link #start} returns once the port is bound; {@link #close} stops everything in reverse order.
 */
public final class RealtimeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RealtimeServer.class);

    /** Largest HTTP request body accepted (tool arguments, MCP messages). */
    static final int MAX_HTTP_BODY = 4 * 1024 * 1024;

    private final ServerConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EmbeddedCluster embedded;
    private PostgresUrl controlUrl;
    private ControlStore controlStore;
    private AppService apps;
    private RealtimeControl realtime;
    private ControlPlaneStartup controlPlane;
    private RealtimeEndpoint realtimeEndpoint;
    private ThreadPoolExecutor blocking;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private int boundPort;

    private RealtimeServer(ServerConfig config) {
        this.config = config;
    }

    /** Starts a server; on failure whatever was started is stopped again and the cause is thrown. */
    public static RealtimeServer start(ServerConfig config) throws IOException, SQLException, InterruptedException {
        RealtimeServer server = new RealtimeServer(config);
        try {
            server.startAll();
            return server;
        } catch (IOException | SQLException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void startAll() throws IOException, SQLException, InterruptedException {
        if (config.databaseUrl() == null) {
            embedded = EmbeddedCluster.start(config.dataDir().resolve("pg"));
            closeables.add(embedded);
            controlUrl = embedded.controlUrl();
        } else {
            controlUrl = config.databaseUrl();
        }
        HikariDataSource control = AppDatabases.open("control", controlUrl, 4);
        closeables.add(control);
        controlStore = new ControlStore(control);

        AppDatabases databases = new AppDatabases(controlUrl, 8);
        closeables.add(databases);
        apps = new AppService(controlStore, new AppProvisioner(control), databases);

        blocking = new ThreadPoolExecutor(config.blockingThreads(), config.blockingThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), new NamedThreadFactory("butterbase-blocking"),
                new ThreadPoolExecutor.AbortPolicy());
        blocking.allowCoreThreadTimeOut(true);

        RealtimeEngine engine = new RealtimeEngine(EngineSettings.DEFAULTS
                .withChangeRetention(config.changeRetention())
                .withReader(config.changeReader())
                .withRlsMode(config.rlsMode()));
        closeables.add(engine);
        realtime = new RealtimeControl(apps, controlStore, engine);

        Clock clock = Clock.systemUTC();
        PresenceHub presenceHub = new PresenceHub(new LocalPresenceStore(), PresenceSettings.DEFAULTS
                .withCoalesceInterval(config.presenceCoalesceInterval())
                .withMaxMetadataBytes(config.presenceMaxMetadataBytes()));
        closeables.add(presenceHub);
        presenceHub.start();
        PresenceHandler presence = new PresenceHandler(presenceHub);
        FunctionRegistry functions = new FunctionRegistry(controlStore, apps);
        FunctionInvoker invoker = new FunctionInvoker(FunctionInvoker.DEFAULT_MAX_CONCURRENT_CALLS);
        closeables.add(invoker);
        FunctionSettings functionSettings = new FunctionSettings(config.functionTimeout(), config.eventRatePerSecond(),
                config.eventBurst(), config.eventsInFlightPerConnection());
        Map<String, ClientMessageHandler> handlers = Map.of(
                "presence_track", presence, "presence_untrack", presence,
                "presence_subscribe", presence, "presence_unsubscribe", presence,
                "event", new EventHandler(functions, invoker, functionSettings, clock));
        RealtimeConnection.Context wsContext = new RealtimeConnection.Context(realtime, new ConnectionRegistry(), handlers,
                WebSocketSettings.defaults(config.heartbeatInterval()), clock, new TokenVerifier(clock), apps, blocking);
        realtimeEndpoint = new RealtimeEndpoint(wsContext);

        AppAccess access = new AppAccess(apps);
        List<Tool> toolList = List.of(
                new ManageAppTool(access, Plan.DEFAULT.withRetention((int) config.changeRetention().toSeconds(), 0)),
                new ManageSchemaTool(access),
                new ManageRlsTool(access),
                new SelectRowsTool(access),
                new ManageRealtimeTool(access, controlStore, realtime, this::websocketUrl),
                new ManageFunctionsTool(access, functions, config.functionTimeout()));
        ToolRegistry tools = new ToolRegistry(toolList);
        McpEndpoint mcp = new McpEndpoint(tools, blocking, "butterbase-realtime", "0.1.0");
        closeables.add(mcp);

        ServerMetrics metrics = new ServerMetrics(engine, realtimeEndpoint.registry());
        controlPlane = new ControlPlaneStartup(List.of(controlStore::migrate, apps::load, realtime::load, functions::load));
        closeables.add(controlPlane);
        controlPlane.start();

        HttpRouter router = new HttpRouter(new AdminAuth(config.adminKey()), tools, mcp, blocking,
                controlPlane::ready, () -> controlPlane.ready() && controlStore.ping(), realtimeEndpoint, metrics::scrape);
        bind(router);
    }

    private void bind(HttpRouter router) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        bossGroup = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_HTTP_BODY))
                                .addLast("router", router);
                    }
                });
        serverChannel = bootstrap.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("listening on {}:{} ({})", config.host(), boundPort, epoll ? "epoll" : "nio");
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return boundPort;
    }

    public String httpUrl() {
        return "http://" + (config.host().contains(":") ? "[" + config.host() + "]" : config.host()) + ":" + boundPort;
    }

    /** The URL WebSocket clients of an app connect to. */
    public String websocketUrl(String appId) {
        return "ws" + httpUrl().substring(4) + "/v1/" + appId + "/realtime";
    }

    public RealtimeControl realtime() {
        return realtime;
    }

    public ConnectionRegistry connections() {
        return realtimeEndpoint.registry();
    }

    /** The database in use, for humans: never contains a password. */
    public String databaseDescription() {
        return embedded != null
                ? "embedded PostgreSQL 17 (data in " + embedded.dataDirectory() + ", port " + controlUrl.port() + ")"
                : controlUrl.toString();
    }

    /** Non-blocking: the control plane is loaded (false while the control database was unreachable at start). */
    public boolean controlPlaneReady() {
        return controlPlane != null && controlPlane.ready();
    }

    public AppService apps() {
        return apps;
    }

    /** Where the control database lives; tests use it to reach app databases directly. */
    public PostgresUrl controlUrl() {
        return controlUrl;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (blocking != null) {
            blocking.shutdownNow();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        closeables.clear();
    }
}
