package dev.butterbase.realtime.server.websocket;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.ToolClient;
import dev.butterbase.realtime.server.testing.WsClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every change reader must guarantee (run against both: {@link WalChangeCaptureTest} and
 * {@link NotifyChangeCaptureTest}): commit order per row and nothing skipped under concurrent writers, no stall
 * behind an open transaction, no loss when every server connection is killed, whole large rows.
 */
abstract class ChangeCaptureContract {

    abstract RealtimeServer server();

    abstract ChangeReader.Kind expectedReader();

    TestApp newApp() {
        return TestApp.create(server(), new ToolClient(server().httpUrl(), SharedServer.ADMIN_KEY), "authenticated");
    }

    private void awaitReader(TestApp app) {
        await().atMost(Duration.ofSeconds(30)).until(() -> server().realtime().pipeline(app.appId)
                .map(p -> p.connected() && p.readerKind() == expectedReader()).orElse(false));
    }

    @Test
    void concurrentConflictingWritersAreDeliveredInCommitOrderWithNothingSkipped() throws Exception {
        TestApp app = newApp();
        app.sql("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)");
        app.configure("counters");
        awaitReader(app);
        int rows = 10;
        int writers = 8;
        int txPerWriter = 40;
        app.exec("INSERT INTO counters SELECT g, 0 FROM generate_series(1, " + rows + ") g");
        try (WsClient service = subscribed(app.serviceClient(), "counters")) {
            app.exec("INSERT INTO counters VALUES (0, 0)"); // marker: subscription is live once this arrives
            service.await(m -> "change".equals(m.path("type").asText()) && m.path("record").path("id").asInt() == 0);
            AtomicInteger committed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    try (Connection c = app.connect()) {
                        c.setAutoCommit(false);
                        for (int i = 0; i < txPerWriter; i++) {
                            int row = 1 + ThreadLocalRandom.current().nextInt(rows);
                            try (PreparedStatement ps = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?");
                                    Statement st = c.createStatement()) {
                                ps.setInt(1, row);
                                ps.executeUpdate();
                                // hold the transaction open a little so commits interleave out of capture-id order
                                st.execute("SELECT pg_sleep(" + ThreadLocalRandom.current().nextInt(4) / 1000.0 + ")");
                            }
                            c.commit();
                            committed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            int expected = writers * txPerWriter;
            await().atMost(Duration.ofSeconds(60)).until(() -> afterMarker(service.changes()).size() >= expected);
            List<JsonNode> changes = afterMarker(service.changes());
            assertThat(changes.size()).isEqualTo(expected);
            Map<Integer, List<Integer>> valuesByRow = new HashMap<>();
            for (JsonNode ch : changes) {
                assertThat(ch.get("op").asText()).isEqualTo("UPDATE");
                valuesByRow.computeIfAbsent(ch.get("record").get("id").asInt(), k -> new ArrayList<>())
                        .add(ch.get("record").get("n").asInt());
            }
            int total = 0;
            for (List<Integer> values : valuesByRow.values()) {
                for (int i = 0; i < values.size(); i++) {
                    assertThat(values.get(i)).as("each row's updates arrive in commit order, none missing").isEqualTo(i + 1);
                }
                total += values.size();
            }
            assertThat(total).isEqualTo(committed.get());
            List<Long> ids = changes.stream().map(m -> m.get("id").asLong()).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    /** The changes after the marker row (id 0) was inserted. */
    private static List<JsonNode> afterMarker(List<JsonNode> changes) {
        for (int i = 0; i < changes.size(); i++) {
            if ("INSERT".equals(changes.get(i).get("op").asText()) && changes.get(i).get("record").get("id").asInt() == 0) {
                return changes.subList(i + 1, changes.size());
            }
        }
        return List.of();
    }

    @Test
    void anOpenTransactionDoesNotStallOthersAndIsDeliveredWhenItCommits() throws Exception {
        TestApp app = newApp();
        app.sql("CREATE TABLE events (id int PRIMARY KEY, label text)");
        app.configure("events");
        awaitReader(app);
        try (WsClient service = subscribed(app.serviceClient(), "events");
                Connection idle = app.connect()) {
            idle.setAutoCommit(false);
            try (Statement st = idle.createStatement()) {
                st.execute("INSERT INTO events VALUES (1, 'held open')"); // takes its capture id first
            }
            app.exec("INSERT INTO events VALUES (2, 'committed meanwhile')");
            service.await(m -> m.path("record").path("id").asInt() == 2);
            assertThat(service.changes()).hasSize(1);

            idle.commit();
            service.await(m -> m.path("record").path("id").asInt() == 1);
            List<JsonNode> changes = service.changes();
            assertThat(changes).extracting(m -> m.get("record").get("id").asInt()).containsExactly(2, 1);
            assertThat(changes.get(1).get("id").asLong()).isGreaterThan(changes.get(0).get("id").asLong());
        }
    }

    @Test
    void killingEveryServerConnectionLosesNothing() throws Exception {
        TestApp app = newApp();
        app.sql("CREATE TABLE items (id int PRIMARY KEY)");
        app.configure("items");
        awaitReader(app);
        try (WsClient service = subscribed(app.serviceClient(), "items")) {
            app.exec("INSERT INTO items VALUES (0)");
            service.await(m -> "change".equals(m.path("type").asText()) && m.path("record").path("id").asInt() == 0);
            try (Connection c = app.connect(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid()");
                for (int i = 1; i <= 50; i++) {
                    st.execute("INSERT INTO items VALUES (" + i + ")");
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> service.changes().size() >= 51);
            assertThat(service.changes()).extracting(m -> m.get("record").get("id").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, 50).boxed().toList());
            await().atMost(Duration.ofSeconds(30)).until(() -> app.tools().ok("manage_realtime",
                    ToolClient.args("action", "get", "app_id", app.appId)).get("active_connection").asBoolean());
        }
    }

    @Test
    void aOneMegabyteRowArrivesWhole() throws SQLException {
        TestApp app = newApp();
        app.sql("CREATE TABLE docs (id int PRIMARY KEY, body text)");
        app.configure("docs");
        awaitReader(app);
        String body = "x".repeat(1024 * 1024);
        try (WsClient service = subscribed(app.serviceClient(), "docs");
                Connection c = app.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO docs VALUES (1, ?)")) {
            ps.setString(1, body);
            ps.executeUpdate();
            JsonNode change = service.await(m -> "change".equals(m.path("type").asText()));
            assertThat(change.get("record").get("body").asText()).isEqualTo(body);
        }
    }
}
