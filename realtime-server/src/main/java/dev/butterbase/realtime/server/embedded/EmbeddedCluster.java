package dev.butterbase.realtime.server.embedded;

import dev.butterbase.realtime.server.control.PostgresUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL 17 cluster of the default setup: its data lives in a directory that survives
 * restarts and process kills (not a machine crash: it runs without fsync, for development and single-node
 * use; production data belongs in a PostgreSQL given with {@code --database-url}), it listens on loopback
 * only, and it runs with {@code wal_level=logical} so the WAL change reader can be used. Stopped by
 * {@link #close()}.
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);
    public static final String CONTROL_DATABASE = "butterbase_control";

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedCluster(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /** Starts (initialising on first use) the cluster whose data is in {@code dataDirectory}. */
    public static EmbeddedCluster start(Path dataDirectory) throws IOException {
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "64")
                .setServerConfig("max_replication_slots", "64")
                .setServerConfig("max_connections", "400")
                .setServerConfig("wal_sender_timeout", "30s")
                .setServerConfig("timezone", "UTC")
                // commits write their WAL at once (the library's default is async), so the WAL sender ships a
                // change as it commits instead of after the WAL writer's next round; fsync stays off as the
                // library sets it: the data survives process restarts and kills, not a machine crash
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("wal_writer_delay", "10ms")
                .start();
        EmbeddedCluster cluster = new EmbeddedCluster(pg, dataDirectory);
        try {
            cluster.ensureControlDatabase();
        } catch (SQLException e) {
            cluster.close();
            throw new IOException("cannot create the control database", e);
        }
        log.info("embedded PostgreSQL started on 127.0.0.1:{} with data in {}", pg.getPort(), dataDirectory);
        return cluster;
    }

    /** The control database's address; apps' databases are siblings on the same cluster. */
    public PostgresUrl controlUrl() {
        return PostgresUrl.of("127.0.0.1", postgres.getPort(), CONTROL_DATABASE, "postgres", null);
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    private void ensureControlDatabase() throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, CONTROL_DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + CONTROL_DATABASE);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("stopping the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }
}
