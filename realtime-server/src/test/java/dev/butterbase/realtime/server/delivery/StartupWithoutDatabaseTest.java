package dev.butterbase.realtime.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.control.PostgresUrl;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
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

/** The database is unreachable when the server starts: it starts anyway, not ready, and recovers when it comes. */
@Timeout(120)
class StartupWithoutDatabaseTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void startsNotReadyAndBecomesReadyWhenTheDatabaseComesUp(@TempDir Path dataDir, @TempDir Path pgDir) throws Exception {
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

            try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(pgDir)
                    .setCleanDataDirectory(true).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> status(server.httpUrl() + "/readyz") == 200);
                assertThat(tools.ok("manage_app", ToolClient.args("action", "create")).get("app_id").asText()).startsWith("app_");
            }
        }
    }
}
