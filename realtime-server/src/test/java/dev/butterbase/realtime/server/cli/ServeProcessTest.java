package dev.butterbase.realtime.server.cli;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a real process on the embedded default: it prints one startup line (URL, admin key source,
 * database) and the generated key once; SIGTERM stops it cleanly, embedded PostgreSQL included, with no
 * process left behind; a restart keeps the app.
 */
@Timeout(180)
class ServeProcessTest {

    private record Started(Process process, List<String> output) {}

    private static Started serve(Path dataDir, int port) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "dev.butterbase.realtime.server.cli.Main", "serve", "--data-dir", dataDir.toString(),
                "--port", Integer.toString(port));
        pb.environment().remove(ServeCommand.ADMIN_KEY_ENV);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("Butterbase Realtime listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (Exception ignored) {
                // process ended
            }
            listening.completeExceptionally(new IllegalStateException("serve exited: " + output));
        }, "serve-output");
        pump.setDaemon(true);
        pump.start();
        listening.get(120, TimeUnit.SECONDS);
        return new Started(p, output);
    }

    private static List<ProcessHandle> processesUsing(Path dataDir) {
        String marker = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(cmd -> cmd.contains(marker)).orElse(false))
                .toList();
    }

    @Test
    void startsPrintsOneLineStopsCleanlyOnSigtermAndKeepsAppsAcrossRestarts(@TempDir Path dataDir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Started first = serve(dataDir, port);
        String key = Files.readString(dataDir.resolve("admin-key")).trim();
        String startup = first.output().stream().filter(l -> l.startsWith("Butterbase Realtime listening on")).findFirst().orElseThrow();
        assertThat(startup).contains("http://127.0.0.1:" + port).contains("admin key: from").contains("embedded PostgreSQL 17")
                .doesNotContain(key);
        assertThat(first.output()).anyMatch(l -> l.startsWith("Generated admin key") && l.contains(key));

        ToolClient tools = new ToolClient("http://127.0.0.1:" + port, key);
        JsonNode app = tools.ok("manage_app", args("action", "create"));
        String appId = app.get("app_id").asText();
        tools.sql(appId, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
        tools.ok("manage_realtime", args("action", "configure", "app_id", appId, "tables", List.of("t")));
        assertThat(processesUsing(dataDir)).as("the embedded PostgreSQL runs").isNotEmpty();

        first.process().destroy(); // SIGTERM
        assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> processesUsing(dataDir).isEmpty());

        Started second = serve(dataDir, port);
        try {
            assertThat(second.output()).noneMatch(l -> l.startsWith("Generated admin key"));
            assertThat(tools.ok("manage_app", args("action", "get", "app_id", appId)).get("service_key").asText())
                    .isEqualTo(app.get("service_key").asText());
            assertThat(tools.ok("select_rows", args("app_id", appId, "table", "t", "as_role", "service")).get("count").asInt())
                    .isEqualTo(1);
            assertThat(tools.ok("manage_realtime", args("action", "get", "app_id", appId)).get("tables").get(0)
                    .get("trigger_installed").asBoolean()).isTrue();
        } finally {
            second.process().destroy();
            second.process().waitFor(60, TimeUnit.SECONDS);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> processesUsing(dataDir).isEmpty());
    }
}
