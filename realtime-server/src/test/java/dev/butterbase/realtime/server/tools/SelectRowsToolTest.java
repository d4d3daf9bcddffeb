package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertServerStillAnswers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.testing.DirectSql;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code select_rows}: filters, limits, roles, and values that are bound rather than spliced into SQL. */
@Timeout(60)
class SelectRowsToolTest {

    private final ToolClient tools = SharedServer.tools();
    private String appId;

    @BeforeEach
    void createApp() {
        appId = tools.createApp("public").path("app_id").asText();
        tools.sql(appId, """
                CREATE TABLE notes (id int PRIMARY KEY, owner text, body text, pinned boolean, score numeric);
                INSERT INTO notes VALUES (1, 'alice', 'plain', true, 1), (2, 'alice', 'it''s "quoted"; --', false, 2),
                                         (3, 'bob', NULL, NULL, 3), (4, NULL, 'orphan', false, 4);
                """);
    }

    @Test
    void answersRowsAsJsonWithCountAndRole() {
        JsonNode result = select(Map.of("where", Map.of("id", 1)), "service", null);

        assertThat(result.path("count").asInt()).isEqualTo(1);
        assertThat(result.path("as_role").asText()).isEqualTo("service");
        JsonNode row = result.path("rows").get(0);
        assertThat(row.path("owner").asText()).isEqualTo("alice");
        assertThat(row.path("pinned").asBoolean()).isTrue();
        assertThat(row.path("score").asInt()).isEqualTo(1);
    }

    @Test
    void whereMatchesStringsNumbersBooleansAndNull() {
        assertThat(ids(Map.of("where", Map.of("owner", "alice")))).containsExactly(1, 2);
        assertThat(ids(Map.of("where", Map.of("owner", "alice", "pinned", false)))).containsExactly(2);
        assertThat(ids(Map.of("where", Map.of("score", 3)))).containsExactly(3);
        Map<String, Object> nullOwner = new HashMap<>();
        nullOwner.put("owner", null);
        assertThat(ids(Map.of("where", nullOwner))).containsExactly(4);
        assertThat(ids(Map.of("where", Map.of()))).containsExactly(1, 2, 3, 4);
    }

    @Test
    void whereValuesAreBoundNotInjected() throws SQLException {
        assertThat(ids(Map.of("where", Map.of("body", "it's \"quoted\"; --")))).as("matched literally").containsExactly(2);
        assertThat(ids(Map.of("where", Map.of("owner", "x' OR '1'='1")))).isEmpty();
        assertThat(ids(Map.of("where", Map.of("owner", "'; DROP TABLE notes; --")))).isEmpty();

        try (Connection c = DirectSql.connect(appId)) {
            assertThat(DirectSql.value(c, "SELECT count(*)::text FROM notes")).isEqualTo("4");
        }
    }

    @Test
    void limitCapsRows() {
        assertThat(select(Map.of("limit", 2), "service", null).path("count").asInt()).isEqualTo(2);
        assertThat(select(Map.of("limit", 1000), "service", null).path("count").asInt()).isEqualTo(4);
    }

    @Test
    void readsAsUserThroughRls() {
        tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId, "table", "notes",
                "user_column", "owner"));

        assertThat(select(Map.of(), "user", "alice").path("count").asInt()).isEqualTo(2);
        assertThat(select(Map.of("where", Map.of("id", 3)), "user", "alice").path("count").asInt())
                .as("a where cannot reach around RLS").isZero();
        assertThat(select(Map.of(), "user", "bob").path("rows").get(0).path("id").asInt()).isEqualTo(3);
        assertThat(select(Map.of(), "anon", null).path("count").asInt()).isZero();
        assertThat(select(Map.of(), "service", null).path("count").asInt()).isEqualTo(4);
    }

    @Test
    void badArguments() {
        assertError(call(Map.of(), "user", null), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(call(Map.of(), "service", "alice"), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of(), "admin", null), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("limit", 0), "service", null), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("limit", 1001), "service", null), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("limit", "10"), "service", null), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("limit", 2.5), "service", null), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("where", List.of("id", 1)), "service", null), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("where", Map.of("id", Map.of("gt", 1))), "service", null),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(call(Map.of("where", Map.of("nope", 1)), "service", null), 400, "VALIDATION_COLUMN_NOT_FOUND");
        assertError(call(Map.of("where", Map.of("id\"; DROP TABLE notes; --", 1)), "service", null),
                400, "VALIDATION_COLUMN_NOT_FOUND");
        assertError(call(Map.of("order", "id"), "service", null), 400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(call(Map.of("table", "nope"), "service", null), 400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(call(Map.of("app_id", "app_nosuchapp00"), "service", null), 404, "APP_NOT_FOUND");
        ObjectNode noRole = args("app_id", appId, "table", "notes");
        assertError(tools.call("select_rows", noRole), 400, "VALIDATION_MISSING_ARGUMENT");
        assertServerStillAnswers(tools);
        assertThat(select(Map.of(), "service", null).path("count").asInt()).isEqualTo(4);
    }

    private List<Integer> ids(Map<String, Object> extra) {
        List<Integer> out = new ArrayList<>();
        select(extra, "service", null).path("rows").forEach(r -> out.add(r.path("id").asInt()));
        out.sort(null);
        return out;
    }

    private JsonNode select(Map<String, Object> extra, String role, String user) {
        ToolClient.Response r = call(extra, role, user);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
        return r.body();
    }

    private ToolClient.Response call(Map<String, Object> extra, String role, String user) {
        ObjectNode a = args("app_id", appId, "table", "notes", "as_role", role);
        if (user != null) {
            a.put("as_user", user);
        }
        extra.forEach((k, v) -> a.set(k, ToolClient.JSON.valueToTree(v)));
        return tools.call("select_rows", a);
    }
}
