package dev.butterbase.realtime.server.websocket;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.ToolClient;
import dev.butterbase.realtime.server.testing.WsClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-client RLS on live changes (spec §5, §7): isolation on INSERT, UPDATE and DELETE, service, anon, chat. */
@Timeout(120)
class RlsDeliveryTest {

    private static List<String> bodies(WsClient c) {
        return c.changes().stream().map(m -> m.get("op").asText() + ":" + image(m).path("body").asText()).toList();
    }

    private static JsonNode image(JsonNode change) {
        return "DELETE".equals(change.get("op").asText()) ? change.get("old_record") : change.get("record");
    }

    @Test
    void userIsolationHoldsForInsertUpdateAndDelete() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE notifications (id bigserial PRIMARY KEY, user_id text NOT NULL, body text)");
        app.tools().ok("manage_rls", ToolClient.args("action", "create_user_isolation", "app_id", app.appId,
                "table", "notifications", "user_column", "user_id"));
        JsonNode configured = app.configure("notifications");
        assertThat(configured.get(0).get("status").asText()).isEqualTo("enabled");
        assertThat(app.configure("notifications").get(0).get("status").asText()).isEqualTo("already_enabled");

        try (WsClient alice = subscribed(app.userClient("alice"), "notifications");
                WsClient bob = subscribed(app.userClient("bob"), "notifications");
                WsClient service = subscribed(app.serviceClient(), "notifications")) {
            assertThat(alice.awaitType("connected").get("role").asText()).isEqualTo("butterbase_user");
            assertThat(service.awaitType("connected").get("role").asText()).isEqualTo("service");

            app.exec("INSERT INTO notifications (id, user_id, body) VALUES (1, 'alice', 'a1'), (2, 'bob', 'b1')");
            app.exec("UPDATE notifications SET body = 'a1-moved', user_id = 'bob' WHERE id = 1");
            app.exec("DELETE FROM notifications WHERE id = 2");
            app.exec("INSERT INTO notifications (id, user_id, body) VALUES (3, 'alice', 'end')");

            alice.await(m -> "end".equals(m.path("record").path("body").asText()));
            service.await(m -> "end".equals(m.path("record").path("body").asText()));
            bob.await(m -> "DELETE".equals(m.path("op").asText()));
            await().atMost(Duration.ofSeconds(10)).until(() -> service.changes().size() == 5);

            assertThat(bodies(alice)).containsExactly("INSERT:a1", "INSERT:end");
            assertThat(bodies(bob)).containsExactly("INSERT:b1", "UPDATE:a1-moved", "DELETE:b1");
            assertThat(bodies(service)).containsExactly("INSERT:a1", "INSERT:b1", "UPDATE:a1-moved", "DELETE:b1", "INSERT:end");

            JsonNode delete = bob.changes().get(2);
            assertThat(delete.get("record").isNull()).isTrue();
            assertThat(delete.get("old_record").get("id").asLong()).isEqualTo(2);
            JsonNode insert = alice.changes().get(0);
            assertThat(insert.get("old_record").isNull()).isTrue();
            assertThat(insert.get("table").asText()).isEqualTo("notifications");
            assertThat(insert.get("timestamp").asText()).isNotEmpty();
            List<Long> ids = service.changes().stream().map(m -> m.get("id").asLong()).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void chatMembershipPolicyWithASubqueryDeliversOnlyToRoomMembers() {
        TestApp app = TestApp.create("authenticated");
        app.sql("""
                CREATE TABLE members (room_id text, user_id text, PRIMARY KEY (room_id, user_id));
                CREATE TABLE messages (id bigserial PRIMARY KEY, room_id text NOT NULL, user_id text NOT NULL,
                                       body text, created_at timestamptz DEFAULT now());
                INSERT INTO members VALUES ('r1', 'alice'), ('r1', 'bob'), ('r2', 'carol');
                """);
        app.tools().ok("manage_rls", ToolClient.args("action", "create_user_isolation", "app_id", app.appId,
                "table", "messages", "user_column", "user_id"));
        app.tools().ok("manage_rls", ToolClient.args("action", "create_policy", "app_id", app.appId, "table", "messages",
                "name", "room_members_read", "command", "SELECT", "roles", List.of("butterbase_user"),
                "using", "room_id IN (SELECT room_id FROM members WHERE user_id = current_user_id())"));
        app.configure("messages");
        try (WsClient alice = subscribed(app.userClient("alice"), "messages");
                WsClient carol = subscribed(app.userClient("carol"), "messages");
                WsClient dave = subscribed(app.userClient("dave"), "messages")) {
            app.exec("INSERT INTO messages (room_id, user_id, body) VALUES ('r2', 'carol', 'carol in r2'), "
                    + "('r1', 'bob', 'bob in r1'), ('r2', 'carol', 'end')");
            carol.await(m -> "end".equals(m.path("record").path("body").asText()));
            alice.await(m -> "bob in r1".equals(m.path("record").path("body").asText()));
            // dave is in no room: his own isolation policy lets him see only his rows
            app.exec("INSERT INTO messages (room_id, user_id, body) VALUES ('r9', 'dave', 'dave alone')");
            dave.await(m -> "dave alone".equals(m.path("record").path("body").asText()));
            assertThat(bodies(alice)).containsExactly("INSERT:bob in r1");
            assertThat(bodies(carol)).containsExactly("INSERT:carol in r2", "INSERT:end");
            assertThat(bodies(dave)).containsExactly("INSERT:dave alone");
        }
    }

    @Test
    void anonymousClientsNeedPublicModeAndAnAnonPolicy() {
        TestApp app = TestApp.create("public");
        app.sql("CREATE TABLE feed (id int PRIMARY KEY, visibility text NOT NULL, body text)");
        app.tools().ok("manage_rls", ToolClient.args("action", "create_policy", "app_id", app.appId, "table", "feed",
                "name", "anon_reads_public", "command", "SELECT", "roles", List.of("butterbase_anon"),
                "using", "visibility = 'public'"));
        app.configure("feed");
        try (WsClient anon = subscribed(app.client(null), "feed");
                WsClient user = subscribed(app.userClient("u"), "feed")) {
            assertThat(anon.awaitType("connected").get("role").asText()).isEqualTo("butterbase_anon");
            app.exec("INSERT INTO feed VALUES (1, 'private', 'hidden'), (2, 'public', 'shown')");
            app.exec("DELETE FROM feed WHERE id = 1");
            app.exec("INSERT INTO feed VALUES (3, 'public', 'end')");
            anon.await(m -> "end".equals(m.path("record").path("body").asText()));
            assertThat(bodies(anon)).containsExactly("INSERT:shown", "INSERT:end");
            // RLS is on and no policy grants butterbase_user anything: the user sees nothing at all
            app.exec("INSERT INTO feed VALUES (4, 'public', 'after')");
            anon.await(m -> "after".equals(m.path("record").path("body").asText()));
            assertThat(user.changes()).isEmpty();
        }

        app.tools().ok("manage_app", ToolClient.args("action", "update", "app_id", app.appId, "access_mode", "authenticated"));
        WsClient refused = app.client(null);
        assertThat(refused.awaitClose()).isEqualTo(1008);
    }

    @Test
    void tableWithoutPoliciesFlowsToEveryUserOfTheRole() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE announcements (id int PRIMARY KEY, body text)");
        app.configure("announcements");
        try (WsClient a = subscribed(app.userClient("a"), "announcements");
                WsClient b = subscribed(app.userClient("b"), "announcements")) {
            app.exec("INSERT INTO announcements VALUES (1, 'hello all')");
            a.await(m -> "hello all".equals(m.path("record").path("body").asText()));
            b.await(m -> "hello all".equals(m.path("record").path("body").asText()));
        }
    }

    @Test
    void driftAfterDropAndRecreateIsReportedAndRepairedByConfigure() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE docs (id int PRIMARY KEY, body text)");
        app.configure("docs");
        JsonNode got = app.tools().ok("manage_realtime", ToolClient.args("action", "get", "app_id", app.appId));
        JsonNode docs = got.get("tables").get(0);
        assertThat(docs.get("table_name").asText()).isEqualTo("docs");
        assertThat(docs.get("trigger_installed").asBoolean()).isTrue();
        assertThat(docs.get("drift").asBoolean()).isFalse();
        assertThat(got.get("websocket_url").asText()).isEqualTo(app.websocketUrl());
        await().atMost(Duration.ofSeconds(30)).until(() -> app.tools().ok("manage_realtime",
                ToolClient.args("action", "get", "app_id", app.appId)).get("active_connection").asBoolean());

        app.sql("DROP TABLE docs; CREATE TABLE docs (id int PRIMARY KEY, body text)");
        JsonNode drifted = app.tools().ok("manage_realtime", ToolClient.args("action", "get", "app_id", app.appId)).get("tables").get(0);
        assertThat(drifted.get("trigger_installed").asBoolean()).isFalse();
        assertThat(drifted.get("drift").asBoolean()).isTrue();

        assertThat(app.configure("docs").get(0).get("status").asText()).isEqualTo("enabled");
        JsonNode repaired = app.tools().ok("manage_realtime", ToolClient.args("action", "get", "app_id", app.appId)).get("tables").get(0);
        assertThat(repaired.get("drift").asBoolean()).isFalse();
        try (WsClient service = subscribed(app.serviceClient(), "docs")) {
            app.exec("INSERT INTO docs VALUES (1, 'after repair')");
            service.await(m -> "after repair".equals(m.path("record").path("body").asText()));
        }
    }

    @Test
    void configureValidatesEveryTableBeforeChangingAnything() {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE good (id int PRIMARY KEY); CREATE TABLE keyless (v int)");
        ToolClient.Response missing = app.tools().call("manage_realtime",
                ToolClient.args("action", "configure", "app_id", app.appId, "tables", List.of("good", "nope")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("VALIDATION_TABLE_NOT_FOUND");
        assertThat(missing.body().path("error").path("message").asText()).contains("nope");
        ToolClient.Response keyless = app.tools().call("manage_realtime",
                ToolClient.args("action", "configure", "app_id", app.appId, "tables", List.of("good", "keyless")));
        assertThat(keyless.errorCode()).isEqualTo("VALIDATION_NO_PRIMARY_KEY");
        JsonNode got = app.tools().ok("manage_realtime", ToolClient.args("action", "get", "app_id", app.appId));
        assertThat(got.get("tables")).isEmpty();
        assertThat(got.get("active_connection").asBoolean()).isFalse();

        JsonNode disabled = app.tools().ok("manage_realtime",
                ToolClient.args("action", "disable", "app_id", app.appId, "tables", List.of("good")));
        assertThat(disabled.get(0).get("status").asText()).isEqualTo("not_enabled");
        app.configure("good");
        disabled = app.tools().ok("manage_realtime",
                ToolClient.args("action", "disable", "app_id", app.appId, "tables", List.of("good")));
        assertThat(disabled.get(0).get("status").asText()).isEqualTo("disabled");
        assertThat(app.tools().ok("manage_realtime", ToolClient.args("action", "get", "app_id", app.appId)).get("tables")).isEmpty();
    }
}
