package dev.butterbase.realtime.server.websocket;

import static dev.butterbase.realtime.server.testing.TestApp.subscribed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.SilentWsClient;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that does not read: its outbound queue is bounded (16 MiB); past that it is closed with 1013 instead
 * of growing the server's memory, and the other clients keep receiving.
 */
@Timeout(120)
class SlowConsumerTest {

    @Test
    void aClientThatDoesNotReadIsClosedAndOthersAreUnaffected() throws Exception {
        TestApp app = TestApp.create("authenticated");
        app.sql("CREATE TABLE blobs (id int PRIMARY KEY, body text)");
        app.configure("blobs");
        try (SilentWsClient slow = SilentWsClient.connect(app.websocketUrl() + "?token=" + app.serviceKey);
                WsClient healthy = subscribed(app.serviceClient(), "blobs")) {
            slow.sendText("{\"type\":\"subscribe\",\"table\":\"blobs\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> SharedServer.get().connections().count(app.appId) == 2);
            // if the silent client's subscribe were lost, nothing would be queued for it and the wait for its
            // close below would fail
            String body = "x".repeat(1024 * 1024);
            try (Connection c = app.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
                for (int i = 1; i <= 40; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, body);
                    ps.executeUpdate();
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> healthy.changes().size() == 40);
            await().atMost(Duration.ofSeconds(30)).until(() -> SharedServer.get().connections().count(app.appId) == 1);
            SilentWsClient.Close close = slow.readUntilServerCloses(10_000);
            assertThat(close.code()).isIn(1013, -1);
            if (close.code() == 1013) {
                assertThat(close.reason()).isEqualTo("slow consumer: outbound buffer full");
            }
            assertThat(healthy.isClosed()).isFalse();
        }
    }
}
