package dev.butterbase.realtime.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.control.PostgresUrl;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.ToolClient;
import dev.butterbase.realtime.server.testing.WsClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database is unreachable when the server starts: it starts anyway, not ready, and recovers when it comes.
 * Then the database restarts under a subscribed client: nothing committed is lost.
 */
@Timeout(120)
class StartupWithoutDatabaseTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static EmbeddedPostgres start(int port, Path dir) throws java.io.IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir).setCleanDataDirectory(false)
                .setServerConfig("wal_level", "logical").start();
    }

    @Test
    void startsNotReadyRecoversWhenTheDatabaseComesUpAndSurvivesItsRestart(@TempDir Path dataDir, @TempDir Path pgDir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        PostgresUrl url = PostgresUrl.of("127.0.0.1", port, "postgres", "postgres", null);
        try (RealtimeServer server = RealtimeServer.start(SharedServer.config(dataDir).databaseUrl(url).build())) {
            assertThat(status(server.httpUrl() + "/healthz")).isEqualTo(200);
            assertThat(status(server.httpUrl() + "/readyz")).isEqualTo(503);
            ToolClient tools = new ToolClient(server.httpUrl(), SharedServer.ADMIN_KEY);
            ToolClient.Response early = tools.call("manage_app", ToolClient.args("action", "list"));
            assertThat(early.status()).isEqualTo(503);
            assertThat(early.errorCode()).isEqualTo("NOT_READY");

            TestApp app;
            WsClient client;
            try (EmbeddedPostgres pg = start(port, pgDir)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> status(server.httpUrl() + "/readyz") == 200);
                app = TestApp.create(server, tools, "authenticated");
                app.sql("CREATE TABLE items (id int PRIMARY KEY)");
                app.configure("items");
                await().atMost(Duration.ofSeconds(30)).until(() -> server.realtime().pipeline(app.appId).orElseThrow().connected());
                client = TestApp.subscribed(app.serviceClient(), "items");
                app.exec("INSERT INTO items VALUES (1)");
                client.await(m -> "change".equals(m.path("type").asText()));
            }
            // the database restarts (a fast shutdown must not wait on the WAL reader): the pipeline notices,
            // reconnects when it is back, and loses nothing
            await().atMost(Duration.ofSeconds(30)).until(() -> !server.realtime().pipeline(app.appId).orElseThrow().connected());
            assertThat(status(server.httpUrl() + "/readyz")).isEqualTo(503);
            try (EmbeddedPostgres pg = start(port, pgDir)) {
                for (int i = 2; i <= 10; i++) {
                    app.exec("INSERT INTO items VALUES (" + i + ")");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> client.changes().size() >= 10);
                assertThat(client.changes()).extracting(m -> m.get("record").get("id").asInt())
                        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
                await().atMost(Duration.ofSeconds(30)).until(() -> server.realtime().pipeline(app.appId).orElseThrow().connected());
                client.close();
            }
        }
    }
}
