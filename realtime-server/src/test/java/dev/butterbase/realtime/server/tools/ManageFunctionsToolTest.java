package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.testing.DirectSql;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code manage_functions} through the real server: create, list, delete, validation, persistence. */
@Timeout(120)
class ManageFunctionsToolTest {

    private final ToolClient tools = SharedServer.tools();

    private static ObjectNode create(String appId, String name, String url, String event) {
        return args("action", "create", "app_id", appId, "name", name, "url", url,
                "trigger", Map.of("type", "websocket", "config", Map.of("event", event)));
    }

    private String newApp() {
        return tools.createApp("authenticated").path("app_id").asText();
    }

    @Test
    void createListAndDelete() {
        String appId = newApp();
        JsonNode created = tools.ok("manage_functions", create(appId, "on-move_1", "https://hooks.example.com/move", "move"));

        assertThat(created.get("app_id").asText()).isEqualTo(appId);
        assertThat(created.get("name").asText()).isEqualTo("on-move_1");
        assertThat(created.get("url").asText()).isEqualTo("https://hooks.example.com/move");
        assertThat(created.get("trigger")).isEqualTo(ToolClient.JSON.valueToTree(
                Map.of("type", "websocket", "config", Map.of("event", "move"))));
        assertThat(created.get("timeout_ms").asInt()).isEqualTo(5000);
        assertThat(created.get("secret").asText()).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(created.get("signature_header").asText()).isEqualTo("X-Butterbase-Signature");
        assertThat(Instant.parse(created.get("created_at").asText())).isBeforeOrEqualTo(Instant.now());

        tools.ok("manage_functions", create(appId, "audit", "http://10.0.0.1:8080/a", "move").put("timeout_ms", 60000));
        JsonNode list = tools.ok("manage_functions", args("action", "list", "app_id", appId)).get("functions");
        assertThat(list.findValuesAsText("name")).containsExactly("audit", "on-move_1");
        assertThat(list.get(0).get("timeout_ms").asInt()).isEqualTo(60000);
        assertThat(list.findValues("secret")).as("secrets are shown once, at creation").isEmpty();

        JsonNode deleted = tools.ok("manage_functions", args("action", "delete", "app_id", appId, "name", "audit"));
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(tools.ok("manage_functions", args("action", "list", "app_id", appId)).get("functions")
                .findValuesAsText("name")).containsExactly("on-move_1");
        assertError(tools.call("manage_functions", args("action", "delete", "app_id", appId, "name", "audit")),
                404, "FUNCTION_NOT_FOUND");
    }

    @Test
    void aNameIsUniquePerApp() {
        String appId = newApp();
        tools.ok("manage_functions", create(appId, "dup", "https://a.example.com", "e"));

        assertError(tools.call("manage_functions", create(appId, "dup", "https://b.example.com", "f")), 409, "FUNCTION_EXISTS");
        tools.ok("manage_functions", create(newApp(), "dup", "https://a.example.com", "e"));
    }

    @Test
    void argumentsAreValidated() {
        String appId = newApp();
        String url = "https://hooks.example.com";
        Map<ObjectNode, String> invalid = Map.ofEntries(
                Map.entry(create(appId, "has space", url, "e"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "x".repeat(64), url, "e"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "café", url, "e"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", "ftp://hooks.example.com", "e"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", "not a url", "e"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", "/relative/path", "e"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", url, ""), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", url, "e").put("timeout_ms", 0), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", url, "e").put("timeout_ms", 60001), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", url, "e").put("timeout_ms", "5s"), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(create(appId, "n", url, "e").put("extra", 1), "VALIDATION_UNKNOWN_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "name", "n", "url", url), "VALIDATION_MISSING_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "url", url,
                        "trigger", Map.of("type", "websocket", "config", Map.of("event", "e"))), "VALIDATION_MISSING_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "name", "n", "url", url,
                        "trigger", Map.of("type", "http", "config", Map.of("event", "e"))), "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "name", "n", "url", url,
                        "trigger", Map.of("type", "websocket")), "VALIDATION_MISSING_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "name", "n", "url", url,
                        "trigger", Map.of("type", "websocket", "config", Map.of())), "VALIDATION_MISSING_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "name", "n", "url", url,
                        "trigger", Map.of("type", "websocket", "config", Map.of("event", "e", "cron", "*"))),
                        "VALIDATION_UNKNOWN_ARGUMENT"),
                Map.entry(args("action", "create", "app_id", appId, "name", "n", "url", url, "trigger", "websocket"),
                        "VALIDATION_INVALID_ARGUMENT"),
                Map.entry(args("action", "rename", "app_id", appId), "VALIDATION_UNKNOWN_ACTION"),
                Map.entry(args("action", "list"), "VALIDATION_MISSING_ARGUMENT"));
        invalid.forEach((arguments, code) -> {
            ToolClient.Response r = tools.call("manage_functions", arguments);
            assertThat(r.errorCode()).as("%s", arguments).isEqualTo(code);
            assertThat(r.status()).as("%s", arguments).isEqualTo(400);
        });
        assertError(tools.call("manage_functions", args("action", "list", "app_id", "app_nope")), 404, "APP_NOT_FOUND");
        assertThat(tools.ok("manage_functions", args("action", "list", "app_id", appId)).get("functions")).isEmpty();
    }

    @Test
    void deletingTheAppDeletesItsFunctions() throws Exception {
        String appId = newApp();
        tools.ok("manage_functions", create(appId, "f", "https://hooks.example.com", "e"));
        tools.ok("manage_app", args("action", "delete", "app_id", appId));

        try (Connection c = DirectSql.connect(SharedServer.get().controlUrl())) {
            assertThat(DirectSql.value(c, "SELECT count(*)::text FROM butterbase.functions WHERE app_id = ?", appId))
                    .isEqualTo("0");
        }
    }

    @TempDir
    Path dataDir;

    @Test
    void functionsSurviveARestart() throws Exception {
        JsonNode created;
        RealtimeServer first = RealtimeServer.start(SharedServer.config(dataDir).build());
        try {
            ToolClient t = new ToolClient(first.httpUrl(), SharedServer.ADMIN_KEY);
            String appId = t.createApp("public").path("app_id").asText();
            created = t.ok("manage_functions", create(appId, "kept", "https://hooks.example.com/kept", "keep")
                    .put("timeout_ms", 1234));
        } finally {
            first.close();
        }
        RealtimeServer second = RealtimeServer.start(SharedServer.config(dataDir).build());
        try {
            ToolClient t = new ToolClient(second.httpUrl(), SharedServer.ADMIN_KEY);
            JsonNode listed = t.ok("manage_functions", args("action", "list", "app_id", created.get("app_id").asText()))
                    .get("functions");
            assertThat(listed).hasSize(1);
            ObjectNode expected = ((ObjectNode) created.deepCopy());
            expected.remove("secret");
            expected.remove("signature_header");
            assertThat(listed.get(0)).isEqualTo(expected);
        } finally {
            second.close();
        }
    }
}
