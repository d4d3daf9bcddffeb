package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertServerStillAnswers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code manage_rls} and its effect as {@code select_rows} sees it: user isolation, custom policies (permissive
 * and restrictive, for users and for anon), list and drop.
 */
@Timeout(60)
class ManageRlsToolTest {

    private final ToolClient tools = SharedServer.tools();
    private String appId;

    @BeforeEach
    void createAppWithChat() {
        appId = tools.createApp("public").path("app_id").asText();
        tools.sql(appId, """
                CREATE TABLE messages (id int PRIMARY KEY, room_id text NOT NULL, user_id text, body text,
                                       is_public boolean NOT NULL DEFAULT false, hidden boolean NOT NULL DEFAULT false);
                CREATE TABLE members (room_id text, user_id text, PRIMARY KEY (room_id, user_id));
                INSERT INTO messages VALUES (1, 'r1', 'alice', 'a1', false, false), (2, 'r1', 'alice', 'a2', true, true),
                                            (3, 'r2', 'bob', 'b1', false, false), (4, 'r1', 'carol', 'c1', false, false);
                INSERT INTO members VALUES ('r1', 'bob');
                """);
    }

    @Test
    void userIsolationShowsEachUserOnlyTheirRows() {
        JsonNode result = tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "messages", "user_column", "user_id"));

        assertThat(result.path("table").asText()).isEqualTo("messages");
        assertThat(result.path("user_column").asText()).isEqualTo("user_id");
        assertThat(texts(result.path("policies"), null)).containsExactly(
                "user_isolation_select", "user_isolation_insert", "user_isolation_update", "user_isolation_delete");
        assertThat(ids("user", "alice")).containsExactly(1, 2);
        assertThat(ids("user", "bob")).containsExactly(3);
        assertThat(ids("user", "mallory")).isEmpty();
        assertThat(ids("service", null)).as("the service role bypasses RLS").containsExactly(1, 2, 3, 4);
        assertThat(ids("anon", null)).as("no policy for anon").isEmpty();
        assertThat(tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables").get(1)
                .path("rls_enabled").asBoolean()).isTrue();
    }

    @Test
    void userIsolationIsIdempotentAndListed() {
        for (int i = 0; i < 2; i++) {
            tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                    "table", "messages", "user_column", "user_id"));
        }

        JsonNode policies = tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies");

        assertThat(texts(policies, "name")).containsExactly(
                "user_isolation_delete", "user_isolation_insert", "user_isolation_select", "user_isolation_update");
        assertThat(texts(policies, "command")).containsExactly("DELETE", "INSERT", "SELECT", "UPDATE");
        for (JsonNode p : policies) {
            assertThat(p.path("table").asText()).isEqualTo("messages");
            assertThat(p.path("permissive").asBoolean()).isTrue();
            assertThat(texts(p.path("roles"), null)).containsExactly("butterbase_user");
        }
        JsonNode select = policies.get(2);
        assertThat(select.path("using").asText()).contains("user_id").contains("current_user_id()");
        assertThat(select.path("with_check").isNull()).isTrue();
        assertThat(policies.get(1).path("using").isNull()).isTrue();
        assertThat(policies.get(1).path("with_check").asText()).contains("current_user_id()");
        assertThat(ids("user", "alice")).containsExactly(1, 2);
    }

    @Test
    void customPolicyWidensWhatUsersSeeAndDropRemovesIt() {
        tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "messages", "user_column", "user_id"));
        JsonNode created = tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "room_members_read", "command", "select", "roles", List.of("butterbase_user"),
                "using", "room_id IN (SELECT m.room_id FROM members m WHERE m.user_id = current_user_id())"));

        assertThat(created.path("policy").asText()).isEqualTo("room_members_read");
        assertThat(created.path("created").asBoolean()).isTrue();
        assertThat(ids("user", "bob")).as("own row plus room r1").containsExactly(1, 2, 3, 4);
        assertThat(ids("user", "alice")).as("alice is no member").containsExactly(1, 2);
        JsonNode listed = tools.ok("manage_rls", args("action", "list", "app_id", appId, "table", "messages"))
                .path("policies");
        assertThat(texts(listed, "name")).contains("room_members_read");

        JsonNode dropped = tools.ok("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "messages",
                "name", "room_members_read"));

        assertThat(dropped.path("dropped").asBoolean()).isTrue();
        assertThat(ids("user", "bob")).containsExactly(3);
        assertThat(texts(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies"), "name"))
                .doesNotContain("room_members_read").hasSize(4);
        assertError(tools.call("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "messages",
                "name", "room_members_read")), 404, "POLICY_NOT_FOUND");
    }

    @Test
    void restrictivePolicyNarrowsPermissiveOnes() {
        tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "messages", "user_column", "user_id"));

        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "not_hidden", "command", "ALL", "roles", List.of("butterbase_user", "butterbase_anon"),
                "using", "NOT hidden", "permissive", false));

        assertThat(ids("user", "alice")).containsExactly(1);
        JsonNode p = policy("not_hidden");
        assertThat(p.path("permissive").asBoolean(true)).isFalse();
        assertThat(p.path("command").asText()).isEqualTo("ALL");
        assertThat(texts(p.path("roles"), null)).containsExactlyInAnyOrder("butterbase_user", "butterbase_anon");
    }

    @Test
    void anonPolicyAndPublicRole() {
        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "anon_public", "command", "SELECT", "roles", List.of("butterbase_anon"), "using", "is_public"));

        assertThat(ids("anon", null)).containsExactly(2);
        assertThat(ids("user", "alice")).as("anon's policy is not the user's").isEmpty();

        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "everyone_r2", "command", "ALL", "roles", List.of("public"), "using", "room_id = 'r2'",
                "with_check", "room_id = 'r2'"));

        assertThat(ids("anon", null)).containsExactly(2, 3);
        assertThat(ids("user", "alice")).containsExactly(3);
        JsonNode p = policy("everyone_r2");
        assertThat(texts(p.path("roles"), null)).containsExactly("public");
        assertThat(p.path("with_check").asText()).contains("r2");
    }

    @Test
    void rlsWithoutPoliciesHidesEverythingButFromTheServiceRole() {
        assertThat(ids("anon", null)).as("no RLS: every role reads every row").containsExactly(1, 2, 3, 4);

        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "temp", "command", "SELECT", "roles", List.of("butterbase_anon"), "using", "true"));
        tools.ok("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "messages", "name", "temp"));

        assertThat(ids("anon", null)).isEmpty();
        assertThat(ids("user", "alice")).isEmpty();
        assertThat(ids("service", null)).hasSize(4);
    }

    @Test
    void policyPostgresRejectsChangesNothing() {
        String message = assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId,
                "table", "messages", "name", "broken", "command", "SELECT", "roles", List.of("butterbase_user"),
                "using", "no_such_column = 1")), 400, "SQL_ERROR");

        assertThat(message).contains("no_such_column");
        assertThat(tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables").get(1)
                .path("rls_enabled").asBoolean()).as("ENABLE ROW LEVEL SECURITY rolled back too").isFalse();
        assertThat(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies")).isEmpty();

        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "dup", "command", "SELECT", "roles", List.of("butterbase_user"), "using", "true"));
        assertThat(assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId,
                "table", "messages", "name", "dup", "command", "SELECT", "roles", List.of("butterbase_user"),
                "using", "true")), 400, "SQL_ERROR")).contains("already exists");
    }

    @Test
    void missingTableColumnAndPolicy() {
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "nope", "user_column", "user_id")), 400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "messages", "user_column", "owner")), 400, "VALIDATION_COLUMN_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "nope",
                "name", "p", "command", "SELECT", "roles", List.of("butterbase_user"), "using", "true")),
                400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "list", "app_id", appId, "table", "nope")),
                400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "nope",
                "name", "p")), 400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "messages",
                "name", "p")), 404, "POLICY_NOT_FOUND");
        assertThat(tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables").get(1)
                .path("rls_enabled").asBoolean()).isFalse();
    }

    @Test
    void badArguments() {
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "p", "command", "TRUNCATE", "roles", List.of("butterbase_user"), "using", "true")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "p", "command", "SELECT", "roles", List.of("postgres"), "using", "true")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "p", "command", "SELECT", "roles", List.of(), "using", "true")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "p", "command", "SELECT", "roles", "butterbase_user", "using", "true")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "p", "command", "SELECT", "roles", List.of("butterbase_user"))),
                400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "name", "p", "command", "SELECT", "roles", List.of("butterbase_user"), "using", "true",
                "permissive", "no")), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", "messages",
                "command", "SELECT", "roles", List.of("butterbase_user"), "using", "true")),
                400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "messages")), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", "messages", "user_column", "user_id", "using", "true")), 400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "enable", "app_id", appId)), 400, "VALIDATION_UNKNOWN_ACTION");
        assertError(tools.call("manage_rls", args("action", "list", "app_id", "app_nosuchapp00")), 404, "APP_NOT_FOUND");
        assertThat(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies")).isEmpty();
        assertServerStillAnswers(tools);
    }

    private JsonNode policy(String name) {
        for (JsonNode p : tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no policy " + name);
    }

    private List<Integer> ids(String role, String user) {
        var a = args("app_id", appId, "table", "messages", "as_role", role);
        if (user != null) {
            a.put("as_user", user);
        }
        List<Integer> out = new ArrayList<>();
        tools.ok("select_rows", a).path("rows").forEach(r -> out.add(r.path("id").asInt()));
        out.sort(null);
        return out;
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(field == null ? n.asText() : n.path(field).asText()));
        return out;
    }
}
