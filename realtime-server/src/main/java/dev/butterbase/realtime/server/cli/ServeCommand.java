package dev.butterbase.realtime.server.cli;

import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.ServerConfig;
import dev.butterbase.realtime.server.control.AppService;
import dev.butterbase.realtime.server.control.PostgresUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: starts the server and runs until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the server (on an embedded PostgreSQL unless --database-url is given).")
public final class ServeCommand implements Callable<Integer> {

    static final String ADMIN_KEY_ENV = "BUTTERBASE_ADMIN_KEY";
    static final String ADMIN_KEY_FILE = "admin-key";

    @Option(names = "--data-dir", defaultValue = ".butterbase",
            description = "Where the embedded PostgreSQL and the generated admin key live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database-url",
            description = "Use this PostgreSQL (postgres://user:pass@host:port/db) as the control database, and its "
                    + "server for app databases, instead of the embedded one.")
    String databaseUrl;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-key", description = "Admin key for the tool API (else env " + ADMIN_KEY_ENV
            + ", else generated on first start and stored in the data directory).")
    String adminKey;

    @Option(names = "--heartbeat-interval", defaultValue = "30", description = "Seconds between WebSocket heartbeats (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--change-retention", defaultValue = "600",
            description = "Seconds captured changes are kept for clients that resume (default: ${DEFAULT-VALUE}).")
    int retentionSeconds;

    @Option(names = "--change-reader", defaultValue = "auto",
            description = "auto (WAL where wal_level=logical and the role may replicate, else LISTEN/NOTIFY), wal, or notify (default: ${DEFAULT-VALUE}).")
    String changeReader;

    @Override
    public Integer call() throws Exception {
        ChangeReader.Kind reader;
        switch (changeReader) {
            case "auto", "wal" -> reader = null;
            case "notify" -> reader = ChangeReader.Kind.NOTIFY;
            default -> {
                System.err.println("error: --change-reader must be auto, wal or notify");
                return 2;
            }
        }
        PostgresUrl database = null;
        if (databaseUrl != null) {
            try {
                database = PostgresUrl.parse(databaseUrl);
            } catch (IllegalArgumentException e) {
                System.err.println("error: --database-url: " + e.getMessage());
                return 2;
            }
        }
        AdminKey key = resolveAdminKey();
        ServerConfig config = ServerConfig.builder()
                .host(host)
                .port(port)
                .dataDir(dataDir)
                .databaseUrl(database)
                .adminKey(key.value())
                .heartbeatInterval(Duration.ofSeconds(heartbeatSeconds))
                .changeRetention(Duration.ofSeconds(retentionSeconds))
                .changeReader(reader)
                .build();
        RealtimeServer server = RealtimeServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "butterbase-shutdown"));
        if (key.generated()) {
            System.out.println("Generated admin key (shown once; stored in " + key.source() + "): " + key.value());
        }
        System.out.println("Butterbase Realtime listening on " + server.httpUrl() + " | admin key: " + key.describe()
                + " | database: " + server.databaseDescription());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Where the admin key came from; the key itself is printed only when freshly generated. */
    record AdminKey(String value, String source, boolean generated) {
        String describe() {
            return "from " + source;
        }
    }

    private AdminKey resolveAdminKey() throws IOException {
        if (adminKey != null) {
            return new AdminKey(adminKey, "--admin-key", false);
        }
        String env = System.getenv(ADMIN_KEY_ENV);
        if (env != null && !env.isBlank()) {
            return new AdminKey(env.trim(), "env " + ADMIN_KEY_ENV, false);
        }
        Path file = dataDir.resolve(ADMIN_KEY_FILE);
        if (Files.exists(file)) {
            return new AdminKey(Files.readString(file, StandardCharsets.UTF_8).trim(), file.toString(), false);
        }
        Files.createDirectories(dataDir);
        String generated = "ak_" + AppService.randomSecret(32);
        Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the default permissions
        }
        return new AdminKey(generated, file.toString(), true);
    }
}
