package dev.butterbase.realtime.server.testing;

import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real server (embedded PostgreSQL, Netty on an ephemeral loopback port) shared by every test class of the
 * JVM, so the cluster starts once. Tests isolate themselves by creating their own apps. Stopped at JVM exit.
 */
public final class SharedServer {

    public static final String ADMIN_KEY = "test-admin-key-0123456789";

    private static RealtimeServer server;
    private static Path dataDir;

    private SharedServer() {}

    public static synchronized RealtimeServer get() {
        if (server == null) {
            try {
                dataDir = Files.createTempDirectory("butterbase-test-");
                server = RealtimeServer.start(config(dataDir).build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the shared test server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shared-server-stop"));
        }
        return server;
    }

    /** The configuration tests use: ephemeral port, short heartbeat so liveness tests run fast. */
    public static ServerConfig.Builder config(Path dataDir) {
        return ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .adminKey(ADMIN_KEY)
                .heartbeatInterval(Duration.ofSeconds(2))
                .blockingThreads(8);
    }

    public static ToolClient tools() {
        return new ToolClient(get().httpUrl(), ADMIN_KEY);
    }
}
