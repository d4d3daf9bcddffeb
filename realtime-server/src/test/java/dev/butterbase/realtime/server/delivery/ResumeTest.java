package dev.butterbase.realtime.server.delivery;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resuming with {@code since}: the backlog the client may read, in order, then live, no gap, no duplicate. */
@Timeout(90)
class ResumeTest {

    private static List<Integer> rowIds(WsClient c) {
        return c.changes().stream().map(m -> (m.get("record").isNull() ? m.get("old_record") : m.get("record")).get("id").asInt()).toList();
    }

    @Test
    void aClientThatReconnectsWithSinceGetsWhatItMissedThenLiveChanges() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE notes (id int PRIMARY KEY, user_id text NOT NULL, body text)");
        app.tools().ok("manage_rls", args("action", "create_user_isolation", "app_id", app.appId, "table", "notes",
                "user_column", "user_id"));
        app.configure("notes");
        long lastSeen;
        try (WsClient first = subscribed(app.userClient("alice"), "notes")) {
            app.exec("INSERT INTO notes VALUES (1, 'alice', 'before drop')");
            lastSeen = first.await(m -> "change".equals(m.path("type").asText())).get("id").asLong();
        }
        // while alice is away: her rows, bob's rows, an update and a delete of hers
        app.exec("INSERT INTO notes VALUES (2, 'alice', 'missed 1'), (3, 'bob', 'not hers'), (4, 'alice', 'missed 2')");
        app.exec("UPDATE notes SET body = 'edited' WHERE id = 2");
        app.exec("DELETE FROM notes WHERE id = 4");
        app.exec("DELETE FROM notes WHERE id = 3");

        try (WsClient back = app.userClient("alice")) {
            back.awaitType("connected");
            back.send(args("type", "subscribe", "table", "notes", "since", lastSeen));
            back.awaitType("subscribed");
            back.await(m -> "DELETE".equals(m.path("op").asText()));
            app.exec("INSERT INTO notes VALUES (5, 'alice', 'live')");
            back.await(m -> "live".equals(m.path("record").path("body").asText()));

            assertThat(back.changes()).extracting(m -> m.get("op").asText() + ":" + (m.get("record").isNull()
                    ? m.get("old_record").get("id").asInt() : m.get("record").get("id").asInt()))
                    .containsExactly("INSERT:2", "INSERT:4", "UPDATE:2", "DELETE:4", "INSERT:5");
            List<Long> ids = back.changes().stream().map(m -> m.get("id").asLong()).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates().allMatch(id -> id > lastSeen);
            int subscribedAt = back.messages().indexOf(back.awaitType("subscribed"));
            assertThat(back.messages().indexOf(back.changes().get(0))).isGreaterThan(subscribedAt);
        }
    }

    @Test
    void resumeRacingLiveWritesHasNoGapAndNoDuplicate() throws Exception {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE ticks (id int PRIMARY KEY)");
        app.configure("ticks");
        long since;
        try (WsClient first = subscribed(app.serviceClient(), "ticks")) {
            app.exec("INSERT INTO ticks VALUES (0)");
            since = first.await(m -> "change".equals(m.path("type").asText())).get("id").asLong();
        }
        app.exec("INSERT INTO ticks SELECT g FROM generate_series(1, 100) g");
        Thread writer = new Thread(() -> {
            for (int i = 101; i <= 300; i++) {
                app.exec("INSERT INTO ticks VALUES (" + i + ")");
            }
        });
        writer.start();
        try (WsClient back = app.serviceClient()) {
            back.awaitType("connected");
            back.send(args("type", "subscribe", "table", "ticks", "since", since));
            writer.join();
            await().atMost(Duration.ofSeconds(30)).until(() -> back.changes().size() >= 300);
            assertThat(rowIds(back)).containsExactlyElementsOf(IntStream.rangeClosed(1, 300).boxed().toList());
        }
    }

    @Test
    void aSinceOlderThanRetentionAsksForAResync() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE t (id int PRIMARY KEY)");
        app.configure("t");
        app.exec("INSERT INTO t VALUES (1)");
        // simulate pruning up to a point beyond the client's position
        try (WsClient probe = subscribed(app.serviceClient(), "t")) {
            app.exec("INSERT INTO t VALUES (2)");
            probe.await(m -> m.path("record").path("id").asInt() == 2);
        }
        app.exec("UPDATE realtime.sequencer SET pruned_through = last_seq");
        try (WsClient stale = app.serviceClient()) {
            stale.awaitType("connected");
            stale.send(args("type", "subscribe", "table", "t", "since", 0));
            JsonNode resync = stale.awaitType("resync_required");
            assertThat(resync.get("table").asText()).isEqualTo("t");
            assertThat(resync.get("reason").asText()).contains("no longer retained");
            app.exec("INSERT INTO t VALUES (3)");
            stale.await(m -> m.path("record").path("id").asInt() == 3);
            assertThat(rowIds(stale)).containsExactly(3);
        }
        try (WsClient future = app.serviceClient()) {
            future.awaitType("connected");
            future.send(args("type", "subscribe", "table", "t", "since", 1_000_000));
            future.awaitType("resync_required");
        }
    }

    @Test
    void retentionIsPerAppByTimeAndSize() throws Exception {
        TestApp app = TestApp.create("authenticated");
        JsonNode plan = app.tools().ok("manage_app", args("action", "get", "app_id", app.appId)).get("plan");
        assertThat(plan.get("change_retention_seconds").asInt()).isGreaterThanOrEqualTo(600);
        assertThat(plan.get("change_retention_max_changes").asLong()).isZero();
        app.sql("CREATE TABLE t (id int PRIMARY KEY)");
        app.configure("t");
        List<Long> ids;
        try (WsClient c = subscribed(app.serviceClient(), "t")) {
            app.exec("INSERT INTO t SELECT g FROM generate_series(1, 20) g");
            await().atMost(Duration.ofSeconds(20)).until(() -> c.changes().size() == 20);
            ids = c.changes().stream().map(m -> m.get("id").asLong()).toList();
        }
        app.tools().ok("manage_app", args("action", "update", "app_id", app.appId,
                "plan", java.util.Map.of("change_retention_max_changes", 5)));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (var conn = app.connect(); var st = conn.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM realtime.changes")) {
                rs.next();
                return rs.getInt(1) <= 5;
            }
        });
        try (WsClient stale = app.serviceClient()) {
            stale.awaitType("connected");
            stale.send(args("type", "subscribe", "table", "t", "since", ids.get(5)));
            stale.awaitType("resync_required");
        }
        try (WsClient recent = app.serviceClient()) {
            recent.awaitType("connected");
            recent.send(args("type", "subscribe", "table", "t", "since", ids.get(16)));
            await().atMost(Duration.ofSeconds(10)).until(() -> recent.changes().size() == 3);
            assertThat(rowIds(recent)).containsExactly(18, 19, 20);
        }
        var tooShort = app.tools().call("manage_app", args("action", "update", "app_id", app.appId,
                "plan", java.util.Map.of("change_retention_seconds", 1)));
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.errorCode()).isEqualTo("VALIDATION_INVALID_ARGUMENT");
    }

    @Test
    void subscribedCarriesTheResumePointForAClientThatDropsBeforeItsFirstChange() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE t (id int PRIMARY KEY)");
        app.configure("t");
        app.exec("INSERT INTO t VALUES (1)");
        long start;
        try (WsClient first = app.serviceClient()) {
            first.awaitType("connected");
            await().atMost(Duration.ofSeconds(20)).until(() -> SharedServerProbe.dispatched(app) >= 1);
            first.send(args("type", "subscribe", "table", "t"));
            JsonNode subscribed = first.awaitType("subscribed");
            assertThat(subscribed.has("id")).isTrue();
            start = subscribed.get("id").asLong();
            assertThat(first.changes()).isEmpty();
        }
        app.exec("INSERT INTO t VALUES (2), (3)");
        try (WsClient back = app.serviceClient()) {
            back.awaitType("connected");
            back.send(args("type", "subscribe", "table", "t", "since", start));
            await().atMost(Duration.ofSeconds(20)).until(() -> back.changes().size() == 2);
            assertThat(rowIds(back)).containsExactly(2, 3);
        }
    }

    /** How many changes the app's pipeline dispatched (so the test starts after row 1 was numbered). */
    private static final class SharedServerProbe {
        static long dispatched(TestApp app) {
            return dev.butterbase.realtime.server.testing.SharedServer.get().realtime().pipeline(app.appId)
                    .map(p -> p.dispatchedChanges()).orElse(0L);
        }
    }
}
