package dev.butterbase.realtime.server.delivery;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.control.PostgresUrl;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import dev.butterbase.realtime.server.testing.WsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed with SIGKILL while writes continue, then started again: a client that
 * reconnects with {@code since} gets every change it missed, none twice. The server runs as a real separate
 * process against a PostgreSQL that outlives it (the test cluster), as in production.
 */
@Timeout(180)
class ProcessKillTest {

    private static final String KEY = "process-kill-admin-key-0123456789";

    private static Process startServer(PostgresUrl control, int port, Path dataDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.butterbase.realtime.server.cli.Main", "serve",
                "--database-url", control.toUrlWithPassword(), "--port", Integer.toString(port),
                "--admin-key", KEY, "--data-dir", dataDir.toString(), "--heartbeat-interval", "2");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("Butterbase Realtime listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (Exception ignored) {
                // the process died; the test notices through the future
            }
            listening.completeExceptionally(new IllegalStateException("server process exited before listening"));
        }, "server-output");
        pump.setDaemon(true);
        pump.start();
        listening.get(90, TimeUnit.SECONDS);
        return p;
    }

    @Test
    void aKilledServerLosesNothingForClientsThatResume(@TempDir Path dataDir) throws Exception {
        PostgresUrl cluster = SharedServer.get().controlUrl();
        String controlDb = "bb_kill_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), cluster.user(), cluster.password());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + controlDb);
        }
        PostgresUrl control = cluster.withDatabase(controlDb);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        Process first = startServer(control, port, dataDir);
        Process second = null;
        try {
            ToolClient tools = new ToolClient(base, KEY);
            JsonNode app = tools.ok("manage_app", args("action", "create"));
            String appId = app.get("app_id").asText();
            tools.sql(appId, "CREATE TABLE ticks (id int PRIMARY KEY)");
            tools.ok("manage_realtime", args("action", "configure", "app_id", appId, "tables", List.of("ticks")));
            String ws = "ws://127.0.0.1:" + port + "/v1/" + appId + "/realtime";
            Map<String, String> auth = Map.of("Authorization", "Bearer " + app.get("service_key").asText());

            WsClient before = WsClient.connect(ws, auth);
            before.awaitType("connected");
            before.send(args("type", "subscribe", "table", "ticks"));
            before.awaitType("subscribed");

            int total = 400;
            AtomicInteger written = new AtomicInteger();
            PostgresUrl appDb = cluster.withDatabase(appId);
            Thread writer = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(appDb.jdbcUrl(), appDb.user(), appDb.password());
                        PreparedStatement ps = c.prepareStatement("INSERT INTO ticks VALUES (?)")) {
                    for (int i = 1; i <= total; i++) {
                        ps.setInt(1, i);
                        ps.executeUpdate();
                        written.set(i);
                        TimeUnit.MILLISECONDS.sleep(10); // the workload's pace: ~100 rows/s, so the kill lands mid-stream
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "writer");
            writer.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> before.changes().size() >= 50);
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
            await().atMost(Duration.ofSeconds(30)).until(before::isClosed);
            List<JsonNode> seen = new ArrayList<>(before.changes());
            long lastId = seen.get(seen.size() - 1).get("id").asLong();
            int writtenAtKill = written.get();

            second = startServer(control, port, dataDir);
            assertThat(written.get()).as("rows were written while the server was down").isGreaterThan(writtenAtKill);
            try (WsClient after = WsClient.connect(ws, auth)) {
                after.awaitType("connected");
                after.send(args("type", "subscribe", "table", "ticks", "since", lastId));
                writer.join();
                await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() + after.changes().size() >= total);
                List<Integer> all = new ArrayList<>();
                seen.forEach(m -> all.add(m.get("record").get("id").asInt()));
                after.changes().forEach(m -> all.add(m.get("record").get("id").asInt()));
                assertThat(all).containsExactlyElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
            }
            tools.ok("manage_app", args("action", "delete", "app_id", appId));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
