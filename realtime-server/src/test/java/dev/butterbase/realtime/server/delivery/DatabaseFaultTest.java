package dev.butterbase.realtime.server.delivery;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Database faults: an app database that refuses connections for a while affects only that app, the reader
 * reports {@code active_connection: false} meanwhile, and every change committed during the outage arrives once.
 * Deleting an app drops its replication slot.
 */
@Timeout(120)
class DatabaseFaultTest {

    private static boolean activeConnection(TestApp app) {
        return app.tools().ok("manage_realtime", args("action", "get", "app_id", app.appId)).get("active_connection").asBoolean();
    }

    private static Connection cluster() throws Exception {
        var url = SharedServer.get().controlUrl();
        return DriverManager.getConnection(url.withDatabase("postgres").jdbcUrl(), url.user(), url.password());
    }

    @Test
    void anUnreachableAppDatabaseAffectsOnlyThatAppAndLosesNothing() throws Exception {
        TestApp down = TestApp.create("authenticated");
        TestApp other = TestApp.create("authenticated");
        for (TestApp app : new TestApp[] {down, other}) {
            app.sql("CREATE TABLE items (id int PRIMARY KEY)");
            app.configure("items");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> activeConnection(down) && activeConnection(other));
        try (WsClient downClient = subscribed(down.serviceClient(), "items");
                WsClient otherClient = subscribed(other.serviceClient(), "items");
                Connection writer = down.connect();
                Connection admin = cluster();
                Statement writes = writer.createStatement();
                Statement st = admin.createStatement()) {
            writes.execute("INSERT INTO items VALUES (0)");
            downClient.await(m -> "change".equals(m.path("type").asText()) && m.path("record").path("id").asInt() == 0);

            // the database now refuses new connections, and every existing one but our writer is cut
            st.execute("ALTER DATABASE \"" + down.appId + "\" ALLOW_CONNECTIONS false");
            try {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + down.appId
                        + "' AND pid <> " + backendPid(writer));
                await().atMost(Duration.ofSeconds(30)).until(() -> !activeConnection(down));
                for (int i = 1; i <= 20; i++) {
                    writes.execute("INSERT INTO items VALUES (" + i + ")");
                }
                other.exec("INSERT INTO items VALUES (42)");
                otherClient.await(m -> m.path("record").path("id").asInt() == 42);
                assertThat(activeConnection(other)).isTrue();
                assertThat(downClient.changes()).hasSize(1);
            } finally {
                st.execute("ALTER DATABASE \"" + down.appId + "\" ALLOW_CONNECTIONS true");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> downClient.changes().size() >= 21);
            assertThat(downClient.changes()).extracting(m -> m.get("record").get("id").asInt())
                    .containsExactlyElementsOf(IntStream.rangeClosed(0, 20).boxed().toList());
            await().atMost(Duration.ofSeconds(30)).until(() -> activeConnection(down));
        }
    }

    private static int backendPid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void deletingAnAppDropsItsReplicationSlotAndDatabase() throws Exception {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE items (id int PRIMARY KEY)");
        app.configure("items");
        String slot = "butterbase_" + app.appId;
        await().atMost(Duration.ofSeconds(30)).until(() -> slotExists(slot));
        app.tools().ok("manage_app", args("action", "delete", "app_id", app.appId));
        assertThat(slotExists(slot)).isFalse();
        try (Connection c = cluster(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + app.appId + "'")) {
            assertThat(rs.next()).isFalse();
        }
    }

    private static boolean slotExists(String slot) throws Exception {
        try (Connection c = cluster(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next();
        }
    }

    @Test
    void slotLagIsMeasuredAndPipelinesAreExposedAsMetrics() throws Exception {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE items (id int PRIMARY KEY)");
        app.configure("items");
        await().atMost(Duration.ofSeconds(30)).until(() -> activeConnection(app));

        // a slot nobody reads falls behind as WAL is written: the lag query sees it
        app.exec("SELECT pg_create_logical_replication_slot('butterbase_lagprobe', 'pgoutput')");
        try {
            app.exec("INSERT INTO items SELECT g FROM generate_series(1, 1000) g");
            try (Connection c = app.connect()) {
                assertThat(dev.butterbase.realtime.engine.capture.WalChangeReaderSlots.lagBytes(c, "lagprobe")).isGreaterThan(0);
                assertThat(dev.butterbase.realtime.engine.capture.WalChangeReaderSlots.lagBytes(c, "no_such_app")).isEqualTo(-1);
            }
        } finally {
            app.exec("SELECT pg_drop_replication_slot('butterbase_lagprobe')");
        }

        var http = java.net.http.HttpClient.newHttpClient();
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(SharedServer.get().httpUrl() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("butterbase_realtime_reader_connected{app=\"" + app.appId + "\"} 1.0");
        assertThat(metrics).contains("butterbase_realtime_replication_slot_lag_bytes{app=\"" + app.appId + "\"}");
        assertThat(metrics).contains("butterbase_realtime_connections");
    }
}
