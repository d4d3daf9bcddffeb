package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertServerStillAnswers;
import static dev.butterbase.realtime.server.tools.ManageRlsToolTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.DirectSql;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Identifiers and expressions written to break out of their place in the SQL: each is refused with a clear error
 * or taken literally, and nothing is dropped.
 */
@Timeout(60)
class HostileInputTest {

    /** A real table whose name and owner column need quoting. */
    private static final String WEIRD_TABLE = "we\"ird; name";
    private static final String WEIRD_COLUMN = "own\"er;";

    private final ToolClient tools = SharedServer.tools();
    private String appId;

    @BeforeEach
    void createApp() {
        appId = tools.createApp("public").path("app_id").asText();
        tools.sql(appId, """
                CREATE TABLE t (id int PRIMARY KEY, user_id text);
                INSERT INTO t VALUES (1, 'alice'), (2, 'bob');
                CREATE TABLE "we""ird; name" (id int PRIMARY KEY, "own""er;" text);
                INSERT INTO "we""ird; name" VALUES (1, 'alice'), (2, 'bob');
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\"; DROP TABLE t; --", "a;b", "t; DROP TABLE t", "t\" CASCADE; --"})
    void hostileTableNamesAreUnknownTables(String table) throws SQLException {
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", table, "user_column", "user_id")), 400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId, "table", table,
                "name", "p", "command", "SELECT", "roles", List.of("butterbase_user"), "using", "true")),
                400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "drop_policy", "app_id", appId, "table", table,
                "name", "p")), 400, "VALIDATION_TABLE_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "list", "app_id", appId, "table", table)),
                400, "VALIDATION_TABLE_NOT_FOUND");
        String message = assertError(tools.call("select_rows", args("app_id", appId, "table", table,
                "as_role", "service")), 400, "VALIDATION_TABLE_NOT_FOUND");
        assertThat(message).contains(table);

        assertTableIntact();
    }

    @Test
    void hostileColumnNamesAreUnknownColumns() throws SQLException {
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", appId, "table", "t",
                "user_column", "user_id\"::text = '' OR true; DROP TABLE t; --")), 400, "VALIDATION_COLUMN_NOT_FOUND");
        assertError(tools.call("select_rows", args("app_id", appId, "table", "t", "as_role", "service",
                "where", Map.of("1=1 OR id", 1))), 400, "VALIDATION_COLUMN_NOT_FOUND");
        assertTableIntact();
    }

    @Test
    void overlongAndNulIdentifiersAreInvalid() {
        assertError(tools.call("select_rows", args("app_id", appId, "table", "x".repeat(64), "as_role", "service")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("select_rows", args("app_id", appId, "table", "t\u0000", "as_role", "service")),
                400, "VALIDATION_INVALID_ARGUMENT");
    }

    @Test
    void tableNamedWithQuoteAndSemicolonWorks() {
        JsonNode isolation = tools.ok("manage_rls", args("action", "create_user_isolation", "app_id", appId,
                "table", WEIRD_TABLE, "user_column", WEIRD_COLUMN));
        assertThat(isolation.path("table").asText()).isEqualTo(WEIRD_TABLE);

        JsonNode alice = tools.ok("select_rows", args("app_id", appId, "table", WEIRD_TABLE, "as_role", "user",
                "as_user", "alice"));
        assertThat(alice.path("count").asInt()).isEqualTo(1);
        assertThat(alice.path("rows").get(0).path(WEIRD_COLUMN).asText()).isEqualTo("alice");
        assertThat(tools.ok("select_rows", args("app_id", appId, "table", WEIRD_TABLE, "as_role", "service",
                "where", Map.of(WEIRD_COLUMN, "bob"))).path("rows").get(0).path("id").asInt()).isEqualTo(2);
        assertThat(tools.ok("select_rows", args("app_id", appId, "table", WEIRD_TABLE, "as_role", "anon"))
                .path("count").asInt()).isZero();
        JsonNode tables = tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables");
        assertThat(texts(tables, "table")).containsExactly("t", WEIRD_TABLE);
        assertThat(texts(tables.get(1).path("columns"), "name")).containsExactly("id", WEIRD_COLUMN);
        assertThat(texts(tools.ok("manage_rls", args("action", "list", "app_id", appId, "table", WEIRD_TABLE))
                .path("policies"), "table")).hasSize(4).containsOnly(WEIRD_TABLE);
    }

    @Test
    void hostilePolicyNameIsTakenLiterally() throws SQLException {
        String name = "p\"; DROP TABLE t; --";

        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "t", "name", name,
                "command", "SELECT", "roles", List.of("butterbase_anon"), "using", "id = 1"));

        assertThat(texts(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies"), "name"))
                .containsExactly(name);
        assertThat(tools.ok("select_rows", args("app_id", appId, "table", "t", "as_role", "anon")).path("count").asInt())
                .isEqualTo(1);
        tools.ok("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "t", "name", name));
        assertThat(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies")).isEmpty();
        assertTableIntact();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "true); DROP TABLE t; --",
        "true); DROP TABLE t",
        "1;2",
        "true) OR (true",
        "(true",
        "true)",
        "true /* comment */",
        "true -- comment",
        "user_id = 'unterminated",
        "\"unterminated = 1",
        "$$unterminated",
        "name'\\' IS NOT NULL) ; DROP TABLE t ; --'",
        "$€$ ' $€$ IS NOT NULL) ; DROP TABLE t ; --'",
        "x$$y$ IS NULL) ; DROP TABLE t ; --$y$",
    })
    void hostileExpressionsAreRefusedAndChangeNothing(String expression) throws SQLException {
        for (String argument : List.of("using", "with_check")) {
            String message = assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", appId,
                    "table", "t", "name", "evil", "command", "ALL", "roles", List.of("butterbase_user"),
                    argument, expression)), 400, "VALIDATION_INVALID_EXPRESSION");
            assertThat(message).startsWith("\"" + argument + "\"");
        }

        assertThat(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies")).isEmpty();
        assertThat(tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables").get(0)
                .path("rls_enabled").asBoolean()).isFalse();
        assertTableIntact();
        assertServerStillAnswers(tools);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "user_id = ';'",
        "user_id = 'it''s -- fine; really'",
        "user_id = E'\\'; DROP TABLE t; --'",
        "user_id = $x$ ) ; -- $x$",
        "\"user_id\" = current_user_id()",
        "id IN (SELECT (1))",
    })
    void expressionsWithSeparatorsInsideLiteralsAreAccepted(String expression) throws SQLException {
        tools.ok("manage_rls", args("action", "create_policy", "app_id", appId, "table", "t", "name", "ok",
                "command", "SELECT", "roles", List.of("butterbase_user"), "using", expression));

        assertThat(texts(tools.ok("manage_rls", args("action", "list", "app_id", appId)).path("policies"), "name"))
                .containsExactly("ok");
        assertTableIntact();
    }

    private void assertTableIntact() throws SQLException {
        try (Connection c = DirectSql.connect(appId)) {
            assertThat(DirectSql.value(c, "SELECT count(*)::text FROM t")).isEqualTo("2");
            assertThat(DirectSql.value(c, "SELECT count(*)::text FROM \"we\"\"ird; name\"")).isEqualTo("2");
        }
    }
}
