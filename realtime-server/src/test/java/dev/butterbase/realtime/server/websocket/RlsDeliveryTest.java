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
}
