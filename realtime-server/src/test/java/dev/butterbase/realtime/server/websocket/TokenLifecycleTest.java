package dev.butterbase.realtime.server.websocket;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Token refresh without reconnecting ({@code access_token}) and the close at {@code exp}. */
@Timeout(60)
class TokenLifecycleTest {

    private static TestApp app;

    @BeforeAll
    static void createApp() {
        app = TestApp.create("authenticated");
        app.sql("CREATE TABLE inbox (id bigserial PRIMARY KEY, user_id text NOT NULL, body text)");
        app.tools().ok("manage_rls", args("action", "create_user_isolation", "app_id", app.appId, "table", "inbox",
                "user_column", "user_id"));
        app.configure("inbox");
    }

    @Test
    void aConnectionWhoseTokenExpiresIsClosedWith1008() {
        Instant exp = Instant.now().plusSeconds(2);
        WsClient c = subscribed(app.client(app.jwt("exp-user", exp)), "inbox");
        assertThat(c.awaitClose()).isEqualTo(1008);
        assertThat(c.closeReason()).isEqualTo("token expired");
        // a JWT's exp has whole seconds: the close comes at exp rounded down, not before
        assertThat(Instant.now()).isAfterOrEqualTo(exp.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusMillis(50));
    }

    @Test
    void refreshingTheTokenKeepsTheConnectionPastTheOldExpiry() {
        Instant oldExp = Instant.now().plusSeconds(2);
        try (WsClient c = subscribed(app.client(app.jwt("refresher", oldExp)), "inbox")) {
            Instant newExp = Instant.now().plusSeconds(3600);
            c.send(args("type", "access_token", "token", app.jwt("refresher", newExp), "ref", "t1"));
            JsonNode refreshed = c.awaitType("token_refreshed");
            assertThat(refreshed.get("ref").asText()).isEqualTo("t1");
            assertThat(Instant.parse(refreshed.get("expires_at").asText()).getEpochSecond()).isEqualTo(newExp.getEpochSecond());
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(oldExp.plusSeconds(1)));
            app.exec("INSERT INTO inbox (user_id, body) VALUES ('refresher', 'still here')");
            c.await(m -> "still here".equals(m.path("record").path("body").asText()));
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void aRefreshedIdentityIsUsedForEveryLaterCheck() {
        try (WsClient c = subscribed(app.userClient("first"), "inbox")) {
            c.send(args("type", "access_token", "token", app.jwt("second")));
            c.awaitType("token_refreshed");
            app.exec("INSERT INTO inbox (user_id, body) VALUES ('first', 'for first'), ('second', 'for second')");
            c.await(m -> "for second".equals(m.path("record").path("body").asText()));
            app.exec("INSERT INTO inbox (user_id, body) VALUES ('second', 'marker')");
            c.await(m -> "marker".equals(m.path("record").path("body").asText()));
            assertThat(c.changes()).extracting(m -> m.get("record").get("body").asText()).containsExactly("for second", "marker");
        }
    }

    @Test
    void aBadRefreshIsAnErrorAndTheOldIdentityStays() {
        try (WsClient c = subscribed(app.userClient("keeper"), "inbox")) {
            c.send(args("type", "access_token", "token", "garbage"));
            assertThat(c.await(m -> "INVALID_TOKEN".equals(m.path("code").asText())).get("message").asText()).startsWith("invalid token");
            c.send(args("type", "access_token", "token", app.jwt("keeper", Instant.now().minusSeconds(1))));
            assertThat(c.await(m -> "token expired".equals(m.path("message").asText())).get("code").asText()).isEqualTo("INVALID_TOKEN");
            c.send(args("type", "access_token"));
            c.await(m -> "INVALID_MESSAGE".equals(m.path("code").asText()));
            app.exec("INSERT INTO inbox (user_id, body) VALUES ('keeper', 'kept')");
            c.await(m -> "kept".equals(m.path("record").path("body").asText()));
        }
    }
}
