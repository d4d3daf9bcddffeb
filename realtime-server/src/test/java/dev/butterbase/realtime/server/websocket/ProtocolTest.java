package dev.butterbase.realtime.server.websocket;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The WebSocket protocol of spec §4 and §6: handshake, close codes, errors, filters, heartbeat. */
@Timeout(120)
class ProtocolTest {

    private static TestApp app;

    @BeforeAll
    static void createApp() {
        app = TestApp.create("authenticated");
        app.sql("CREATE TABLE messages (id bigserial PRIMARY KEY, room_id text, body text); "
                + "CREATE TABLE plain (id int PRIMARY KEY)");
        app.configure("messages");
    }

    @Test
    void connectedCarriesAppRoleAndClientId() {
        try (WsClient c = app.userClient("u1")) {
            JsonNode connected = c.awaitType("connected");
            assertThat(connected.get("app_id").asText()).isEqualTo(app.appId);
            assertThat(connected.get("role").asText()).isEqualTo("butterbase_user");
            assertThat(connected.get("client_id").asText()).isNotEmpty();
            assertThat(c.messages().get(0).get("type").asText()).isEqualTo("connected");
        }
    }

    @Test
    void bearerHeaderWorksLikeTheQueryToken() {
        try (WsClient c = WsClient.connect(app.websocketUrl(), Map.of("Authorization", "Bearer " + app.jwt("u2")))) {
            assertThat(c.awaitType("connected").get("role").asText()).isEqualTo("butterbase_user");
        }
    }

    @Test
    void noTokenInAnAuthenticatedAppIsClosedWith1008() {
        WsClient c = app.client(null);
        assertThat(c.awaitClose()).isEqualTo(1008);
        assertThat(c.closeReason()).isEqualTo("authentication required");
        assertThat(c.ofType("connected")).isEmpty();
    }

    @Test
    void badAndExpiredTokensAreClosedWith1008SayingWhich() {
        WsClient garbage = app.client("not-a-token");
        assertThat(garbage.awaitClose()).isEqualTo(1008);
        assertThat(garbage.closeReason()).startsWith("invalid token");

        WsClient forged = app.client(TestApp.signedJwt("another-secret-another-secret-0123456789", "u", Instant.now().plusSeconds(60)));
        assertThat(forged.awaitClose()).isEqualTo(1008);
        assertThat(forged.closeReason()).isEqualTo("invalid token: bad signature");

        WsClient expired = app.client(app.jwt("u", Instant.now().minusSeconds(5)));
        assertThat(expired.awaitClose()).isEqualTo(1008);
        assertThat(expired.closeReason()).isEqualTo("token expired");
    }

    @Test
    void unknownAppIsClosedWith1008() {
        WsClient c = WsClient.connect(SharedServer.get().websocketUrl("app_doesnotexist") + "?token=x");
        assertThat(c.awaitClose()).isEqualTo(1008);
        assertThat(c.closeReason()).isEqualTo("unknown app");
    }

    @Test
    void planLimitsCloseWith1013() {
        TestApp limited = TestApp.create("authenticated");
        limited.tools().ok("manage_app", args("action", "update", "app_id", limited.appId,
                "plan", Map.of("max_realtime_listeners", 1)));
        try (WsClient first = limited.userClient("a")) {
            first.awaitType("connected");
            WsClient second = limited.userClient("b");
            assertThat(second.awaitClose()).isEqualTo(1013);
            assertThat(second.closeReason()).isEqualTo("plan limit: maxRealtimeListenersPerApp");
        }

        limited.tools().ok("manage_app", args("action", "update", "app_id", limited.appId,
                "plan", Map.of("realtime_enabled", false, "max_realtime_listeners", 10)));
        WsClient off = limited.userClient("c");
        assertThat(off.awaitClose()).isEqualTo(1013);
        assertThat(off.closeReason()).isEqualTo("Realtime disabled by plan");
    }

    @Test
    void disablingRealtimeByPlanClosesOpenConnections() {
        TestApp other = TestApp.create("authenticated");
        WsClient open = other.userClient("a");
        open.awaitType("connected");
        other.tools().ok("manage_app", args("action", "update", "app_id", other.appId,
                "plan", Map.of("realtime_enabled", false)));
        assertThat(open.awaitClose()).isEqualTo(1013);
        assertThat(open.closeReason()).isEqualTo("Realtime disabled by plan");
    }

    @Test
    void badMessagesGetErrorsAndTheConnectionStaysOpen() {
        try (WsClient c = app.userClient("u3")) {
            c.awaitType("connected");
            c.sendRaw("{not json");
            assertThat(c.await(m -> "MALFORMED_MESSAGE".equals(m.path("code").asText())).get("type").asText()).isEqualTo("error");
            c.sendRaw("[1,2]");
            c.await(m -> "INVALID_MESSAGE".equals(m.path("code").asText()));
            c.send(args("type", "teleport", "ref", "r1"));
            JsonNode unknown = c.await(m -> "UNKNOWN_MESSAGE_TYPE".equals(m.path("code").asText()));
            assertThat(unknown.get("ref").asText()).isEqualTo("r1");
            c.send(args("type", "subscribe", "table", "plain"));
            JsonNode notEnabled = c.await(m -> "TABLE_NOT_ENABLED".equals(m.path("code").asText()));
            assertThat(notEnabled.get("table").asText()).isEqualTo("plain");
            c.send(args("type", "subscribe", "table", "missing_table"));
            c.await(m -> "missing_table".equals(m.path("table").asText()) && "error".equals(m.path("type").asText()));
            c.send(args("type", "subscribe", "table", "messages", "filter", "room-1"));
            c.await(m -> "INVALID_FILTER".equals(m.path("code").asText()));
            c.send(args("type", "subscribe", "table", "messages", "filter", Map.of("room_id", Map.of("nested", 1))));
            assertThat(c.await(m -> "INVALID_FILTER".equals(m.path("code").asText()) && m.path("message").asText().contains("room_id"))).isNotNull();
            c.send(args("type", "subscribe", "table", "messages", "since", "yesterday"));
            c.await(m -> "INVALID_SINCE".equals(m.path("code").asText()));
            c.send(args("type", "subscribe"));
            c.await(m -> "INVALID_MESSAGE".equals(m.path("code").asText()) && m.path("message").asText().contains("table"));

            // still open and working
            c.send(args("type", "subscribe", "table", "messages"));
            c.await(m -> "subscribed".equals(m.path("type").asText()));
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void filtersNarrowAndUnsubscribeStops() {
        try (WsClient room1 = app.serviceClient(); WsClient all = subscribed(app.serviceClient(), "messages")) {
            room1.awaitType("connected");
            room1.send(args("type", "subscribe", "table", "messages", "filter", Map.of("room_id", "r1")));
            room1.await(m -> "subscribed".equals(m.path("type").asText()));
            app.exec("INSERT INTO messages (room_id, body) VALUES ('r2', 'other room'), ('r1', 'mine')");
            app.exec("DELETE FROM messages WHERE body = 'mine'");
            all.await(m -> "DELETE".equals(m.path("op").asText()));
            room1.await(m -> "DELETE".equals(m.path("op").asText()));
            assertThat(room1.changes()).extracting(m -> m.get("op").asText() + ":" + (m.get("record").isNull()
                    ? m.get("old_record").get("body").asText() : m.get("record").get("body").asText()))
                    .containsExactly("INSERT:mine", "DELETE:mine");

            room1.send(args("type", "unsubscribe", "table", "messages"));
            room1.await(m -> "unsubscribed".equals(m.path("type").asText()));
            app.exec("INSERT INTO messages (room_id, body) VALUES ('r1', 'after unsubscribe')");
            all.await(m -> "after unsubscribe".equals(m.path("record").path("body").asText()));
            assertThat(room1.changes()).hasSize(2);
        }
    }

    @Test
    void heartbeatsArriveAtTheConfiguredInterval() {
        try (WsClient c = app.userClient("u4")) {
            JsonNode heartbeat = c.awaitType("heartbeat");
            assertThat(Instant.parse(heartbeat.get("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
            c.await(m -> "heartbeat".equals(m.path("type").asText()) && m != heartbeat);
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void aPlainHttpRequestToTheEndpointIsRefused() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(SharedServer.get().httpUrl() + "/v1/" + app.appId + "/realtime")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("WEBSOCKET_REQUIRED");
    }
}
