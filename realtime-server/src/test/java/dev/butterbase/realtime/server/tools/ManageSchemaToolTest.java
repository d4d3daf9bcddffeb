package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertServerStillAnswers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.DirectSql;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code manage_schema}: apply in one transaction, get tables with columns and primary keys. */
@Timeout(60)
class ManageSchemaToolTest {

    private final ToolClient tools = SharedServer.tools();
    private String appId;

    @BeforeEach
    void createApp() {
        appId = tools.createApp("public").path("app_id").asText();
    }

    @Test
    void getOfAFreshAppHasNoTables() {
        assertThat(tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables")).isEmpty();
    }

    @Test
    void applyCreatesTablesThatGetDescribes() {
        JsonNode applied = tools.ok("manage_schema", args("action", "apply", "app_id", appId, "sql", """
                CREATE TABLE messages (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, room_id text NOT NULL,
                                       user_id text, body varchar(200));
                CREATE TABLE members (user_id text, room_id text, PRIMARY KEY (room_id, user_id));
                CREATE TABLE log (line text);
                """));
        assertThat(applied.path("applied").asBoolean()).isTrue();

        JsonNode tables = tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables");

        assertThat(names(tables, "table")).containsExactly("log", "members", "messages");
        JsonNode messages = tables.get(2);
        assertThat(names(messages.path("columns"), "name")).containsExactly("id", "room_id", "user_id", "body");
        assertThat(messages.path("columns").get(0).path("type").asText()).isEqualTo("bigint");
        assertThat(messages.path("columns").get(0).path("nullable").asBoolean()).isFalse();
        assertThat(messages.path("columns").get(1).path("nullable").asBoolean()).isFalse();
        assertThat(messages.path("columns").get(2).path("nullable").asBoolean()).isTrue();
        assertThat(messages.path("columns").get(3).path("type").asText()).isEqualTo("character varying(200)");
        assertThat(names(messages.path("primary_key"), null)).containsExactly("id");
        assertThat(messages.path("rls_enabled").asBoolean()).isFalse();
        assertThat(names(tables.get(1).path("primary_key"), null)).as("key order, not column order")
                .containsExactly("room_id", "user_id");
        assertThat(tables.get(0).path("primary_key")).as("no primary key").isEmpty();
    }

    @Test
    void getShowsRlsAndIgnoresOtherSchemasAndViews() {
        tools.sql(appId, """
                CREATE TABLE t (id int PRIMARY KEY);
                ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                CREATE VIEW v AS SELECT * FROM t;
                CREATE SCHEMA private;
                CREATE TABLE private.hidden (id int);
                """);

        JsonNode tables = tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables");

        assertThat(names(tables, "table")).containsExactly("t");
        assertThat(tables.get(0).path("rls_enabled").asBoolean()).isTrue();
    }

    @Test
    void failingStatementReturnsThePostgresMessage() {
        String message = assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId,
                "sql", "INSERT INTO nope VALUES (1)")), 400, "SQL_ERROR");
        assertThat(message).contains("relation \"nope\" does not exist").contains("42P01");

        message = assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId,
                "sql", "CREATE TABEL x (id int)")), 400, "SQL_ERROR");
        assertThat(message).contains("syntax error").contains("42601");
        assertServerStillAnswers(tools);
    }

    @Test
    void failureOfTheSecondStatementLeavesNothingOfTheFirst() throws SQLException {
        tools.sql(appId, "CREATE TABLE keep (id int PRIMARY KEY); INSERT INTO keep VALUES (1)");

        String message = assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId, "sql", """
                CREATE TABLE first (id int PRIMARY KEY);
                INSERT INTO keep VALUES (2);
                INSERT INTO keep VALUES (1);
                """)), 400, "SQL_ERROR");

        assertThat(message).contains("duplicate key value violates unique constraint");
        JsonNode tables = tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables");
        assertThat(names(tables, "table")).containsExactly("keep");
        try (Connection c = DirectSql.connect(appId)) {
            assertThat(DirectSql.strings(c, "SELECT id::text FROM keep ORDER BY id")).containsExactly("1");
            assertThat(DirectSql.value(c, "SELECT to_regclass('public.first')::text")).isNull();
        }
        tools.sql(appId, "CREATE TABLE first (id int PRIMARY KEY)");
        assertThat(names(tools.ok("manage_schema", args("action", "get", "app_id", appId)).path("tables"), "table"))
                .as("the connection is healthy after the rollback").containsExactly("first", "keep");
    }

    @Test
    void badArguments() {
        assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId)),
                400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId, "sql", "")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId, "sql", List.of("SELECT 1"))),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_schema", args("action", "apply", "app_id", appId,
                "sql", "-- " + "x".repeat(ManageSchemaTool.MAX_SQL_CHARS))), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_schema", args("action", "get", "app_id", appId, "sql", "SELECT 1")),
                400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(tools.call("manage_schema", args("action", "migrate", "app_id", appId)),
                400, "VALIDATION_UNKNOWN_ACTION");
        assertError(tools.call("manage_schema", args("action", "get")), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_schema", args("action", "get", "app_id", "app_nosuchapp00")), 404, "APP_NOT_FOUND");
        assertServerStillAnswers(tools);
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(field == null ? n.asText() : n.path(field).asText()));
        return out;
    }
}
