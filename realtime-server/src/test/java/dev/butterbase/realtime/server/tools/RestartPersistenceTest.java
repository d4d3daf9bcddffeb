package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.tools.ManageRlsToolTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.control.PostgresUrl;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server started again on the same data directory has every app, secret, policy and row it had. */
@Timeout(120)
class RestartPersistenceTest {

    @TempDir
    Path dataDir;

    @Test
    void everythingSurvivesARestart() throws Exception {
        JsonNode app;
        JsonNode policiesBefore;
        RealtimeServer first = RealtimeServer.start(SharedServer.config(dataDir).build());
        try {
            ToolClient tools = new ToolClient(first.httpUrl(), SharedServer.ADMIN_KEY);
            app = tools.ok("manage_app", args("action", "create", "name", "Persistent", "access_mode", "public"));
            String appId = app.path("app_id").asText();
            tools.sql(appId, """
                    CREATE TABLE notes (id int PRIMARY KEY, owner text, body text);
                    INSERT INTO notes VALUES (1, 'alice', 'a'), (2, 'bob', 'b'), (3, 'alice', 'c');
                    """);
            tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                    "table", "notes", "user_column", "owner"));
            tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "notes",
                    "name", "anon_first", "command", "SELECT", "roles", List.of("butterbase_anon"), "using", "id = 1"));
            tools.ok("manage_app", args("action", "update", "app_id", appId,
                    "jwks_url", "https://idp.example.com/jwks.json"));
            policiesBefore = tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies");
        } finally {
            first.close();
        }

        RealtimeServer second = RealtimeServer.start(SharedServer.config(dataDir).build());
        try {
            ToolClient tools = new ToolClient(second.httpUrl(), SharedServer.ADMIN_KEY);
            String appId = app.path("app_id").asText();

            JsonNode got = tools.ok("manage_app", args("action", "get", "app_id", appId));
            for (String field : List.of("name", "access_mode", "plan", "service_key", "jwt_secret", "created_at")) {
                assertThat(got.path(field)).as(field).isEqualTo(app.path(field));
            }
            // the embedded cluster listens on a new ephemeral port after a restart: same database, new address
            assertThat(PostgresUrl.parse(got.path("database_url").asText()).database())
                    .isEqualTo(PostgresUrl.parse(app.path("database_url").asText()).database());
            assertThat(got.path("jwks_url").asText()).isEqualTo("https://idp.example.com/jwks.json");
            assertThat(texts(tools.ok("manage_app", args("action", "list")).path("apps"), "app_id"))
                    .containsExactly(appId);
            assertThat(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies"))
                    .isEqualTo(policiesBefore);
            assertThat(texts(policiesBefore, "name")).hasSize(5).contains("anon_first", "user_isolation_select");
            assertThat(ids(tools, appId, "user", "alice")).containsExactly(1, 3);
            assertThat(ids(tools, appId, "anon", null)).containsExactly(1);
            assertThat(ids(tools, appId, "service", null)).containsExactly(1, 2, 3);
            assertThat(second.apps().findByServiceKey(app.path("service_key").asText())).isPresent();

            tools.sql(appId, "INSERT INTO notes VALUES (4, 'alice', 'd')");
            assertThat(ids(tools, appId, "user", "alice")).as("the app keeps working").containsExactly(1, 3, 4);
        } finally {
            second.close();
        }
    }

    private static List<Integer> ids(ToolClient tools, String appId, String role, String user) {
        var a = args("app_id", appId, "table", "notes", "as_role", role);
        if (user != null) {
            a.put("as_user", user);
        }
        return texts(tools.ok("select_rows", a).path("rows"), "id").stream().map(Integer::valueOf).sorted().toList();
    }
}
