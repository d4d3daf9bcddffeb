package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertServerStillAnswers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.control.PostgresUrl;
import dev.butterbase.realtime.server.testing.DirectSql;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code manage_app} through the real server: every action, its answer and its effect on the cluster. */
@Timeout(60)
class ManageAppToolTest {

    private final ToolClient tools = SharedServer.tools();

    @Test
    void createAnswersEverythingTheClientNeeds() {
        JsonNode app = tools.ok("manage_app", args("action", "create", "name", "Chat", "access_mode", "public",
                "plan", Map.of("realtime_enabled", false, "max_realtime_listeners", 5)));

        String appId = app.path("app_id").asText();
        assertThat(appId).matches("app_[a-z0-9]{12}");
        assertThat(app.path("name").asText()).isEqualTo("Chat");
        assertThat(app.path("access_mode").asText()).isEqualTo("public");
        assertThat(app.path("plan").path("realtime_enabled").asBoolean(true)).isFalse();
        assertThat(app.path("plan").path("max_realtime_listeners").asInt()).isEqualTo(5);
        assertThat(app.path("service_key").asText()).startsWith("sk_").hasSizeGreaterThan(40);
        assertThat(app.path("jwt_secret").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(app.path("database_url").asText()).startsWith("postgres://").endsWith("/" + appId);
        assertThat(Instant.parse(app.path("created_at").asText())).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void createWithoutArgumentsUsesDefaults() {
        JsonNode app = tools.ok("manage_app", args("action", "create"));

        assertThat(app.path("name").asText()).isEqualTo(app.path("app_id").asText());
        assertThat(app.path("access_mode").asText()).isEqualTo("authenticated");
        assertThat(app.path("plan").path("realtime_enabled").asBoolean()).isTrue();
        assertThat(app.path("plan").path("max_realtime_listeners").asInt()).isEqualTo(1000);
    }

    @Test
    void twoAppsNeverShareIdsOrSecrets() {
        JsonNode a = tools.createApp("public");
        JsonNode b = tools.createApp("public");

        for (String field : List.of("app_id", "service_key", "jwt_secret", "database_url")) {
            assertThat(a.path(field).asText()).as(field).isNotEqualTo(b.path(field).asText());
        }
    }

    @Test
    void createProvisionsDatabaseRolesGrantsAndCurrentUserId() throws SQLException {
        JsonNode app = tools.createApp("authenticated");
        String appId = app.path("app_id").asText();
        assertThat(DirectSql.databaseExists(appId)).isTrue();

        try (Connection c = DirectSql.connect(PostgresUrl.parse(app.path("database_url").asText()))) {
            assertThat(DirectSql.strings(c, "SELECT rolname || ':' || rolcanlogin || ':' || rolbypassrls || ':' || rolsuper "
                    + "FROM pg_roles WHERE rolname LIKE 'butterbase\\_%' ORDER BY rolname"))
                    .containsExactly("butterbase_anon:false:false:false", "butterbase_user:false:false:false");
            for (String role : List.of("butterbase_anon", "butterbase_user")) {
                assertThat(DirectSql.value(c, "SELECT has_schema_privilege(?, 'public', 'USAGE')::text", role))
                        .as("USAGE on public for %s", role).isEqualTo("true");
            }
            assertThat(DirectSql.value(c, "SELECT public.current_user_id()")).isNull();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL ROLE butterbase_anon");
                assertThat(DirectSql.value(c, "SELECT public.current_user_id()")).as("unset, as anon").isNull();
                st.execute("SELECT set_config('request.jwt.claim.sub', '', true)");
                assertThat(DirectSql.value(c, "SELECT public.current_user_id()")).as("empty sub").isNull();
                st.execute("SELECT set_config('request.jwt.claim.sub', 'alice', true)");
                assertThat(DirectSql.value(c, "SELECT public.current_user_id()")).isEqualTo("alice");
            }
            c.rollback();
        }

        tools.sql(appId, "CREATE TABLE later (id int PRIMARY KEY)");
        try (Connection c = DirectSql.connect(appId)) {
            for (String role : List.of("butterbase_anon", "butterbase_user")) {
                assertThat(DirectSql.value(c, "SELECT has_table_privilege(?, 'public.later', 'SELECT')::text", role))
                        .as("default privileges make later tables readable by %s", role).isEqualTo("true");
            }
        }
    }

    @Test
    void getReturnsWhatCreateReturned() {
        JsonNode created = tools.ok("manage_app", args("action", "create", "name", "Got"));

        JsonNode got = tools.ok("manage_app", args("action", "get", "app_id", created.path("app_id").asText()));

        for (String field : List.of("app_id", "name", "access_mode", "plan", "service_key", "jwt_secret",
                "database_url", "created_at")) {
            assertThat(got.path(field)).as(field).isEqualTo(created.path(field));
        }
    }

    @Test
    void listShowsAppsWithoutSecrets() {
        String a = tools.createApp("public").path("app_id").asText();
        String b = tools.createApp("authenticated").path("app_id").asText();

        JsonNode apps = tools.ok("manage_app", args("action", "list")).path("apps");

        List<String> ids = new ArrayList<>();
        for (JsonNode app : apps) {
            ids.add(app.path("app_id").asText());
            assertThat(app.has("service_key")).as("service_key in %s", app).isFalse();
            assertThat(app.has("jwt_secret")).as("jwt_secret in %s", app).isFalse();
            assertThat(app.has("database_url")).as("database_url in %s", app).isFalse();
            assertThat(app.has("access_mode")).isTrue();
        }
        assertThat(ids).contains(a, b);
        assertThat(ids.indexOf(a)).as("oldest first").isLessThan(ids.indexOf(b));
    }

    @Test
    void updateChangesAccessModePlanNameAndJwksUrl() {
        JsonNode app = tools.ok("manage_app", args("action", "create", "name", "Before", "access_mode", "authenticated"));
        String appId = app.path("app_id").asText();

        JsonNode updated = tools.ok("manage_app", args("action", "update", "app_id", appId, "name", "After",
                "access_mode", "public", "plan", Map.of("max_realtime_listeners", 7),
                "jwks_url", "https://idp.example.com/.well-known/jwks.json"));

        assertThat(updated.path("name").asText()).isEqualTo("After");
        JsonNode got = tools.ok("manage_app", args("action", "get", "app_id", appId));
        assertThat(got.path("name").asText()).isEqualTo("After");
        assertThat(got.path("access_mode").asText()).isEqualTo("public");
        assertThat(got.path("plan").path("max_realtime_listeners").asInt()).isEqualTo(7);
        assertThat(got.path("plan").path("realtime_enabled").asBoolean()).as("untouched plan field kept").isTrue();
        assertThat(got.path("jwks_url").asText()).isEqualTo("https://idp.example.com/.well-known/jwks.json");
        assertThat(got.path("service_key")).as("secrets survive an update").isEqualTo(app.path("service_key"));
        assertThat(Instant.parse(got.path("updated_at").asText())).isAfterOrEqualTo(Instant.parse(app.path("updated_at").asText()));

        tools.ok("manage_app", args("action", "update", "app_id", appId, "plan", Map.of("realtime_enabled", false),
                "jwks_url", ""));
        got = tools.ok("manage_app", args("action", "get", "app_id", appId));
        assertThat(got.path("plan").path("realtime_enabled").asBoolean(true)).isFalse();
        assertThat(got.path("plan").path("max_realtime_listeners").asInt()).isEqualTo(7);
        assertThat(got.path("jwks_url").isNull()).as("empty jwks_url removes it").isTrue();
        assertThat(got.path("access_mode").asText()).isEqualTo("public");
    }

    @Test
    void updateRefusesBadValuesAndChangesNothing() {
        String appId = tools.createApp("authenticated").path("app_id").asText();

        assertError(tools.call("manage_app", args("action", "update", "app_id", appId, "access_mode", "everyone")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "update", "app_id", appId,
                "plan", Map.of("max_realtime_listeners", -1))), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "update", "app_id", appId,
                "plan", Map.of("realtime_enabled", "yes"))), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "update", "app_id", appId,
                "plan", Map.of("max_listeners", 3))), 400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "update", "app_id", appId, "jwks_url", "ftp://x/y")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "update", "app_id", appId, "jwks_url", "not a url")),
                400, "VALIDATION_INVALID_ARGUMENT");

        JsonNode got = tools.ok("manage_app", args("action", "get", "app_id", appId));
        assertThat(got.path("access_mode").asText()).isEqualTo("authenticated");
        assertThat(got.path("plan").path("max_realtime_listeners").asInt()).isEqualTo(1000);
        assertThat(got.path("jwks_url").isNull()).isTrue();
    }

    @Test
    void deleteRemovesTheAppAndDropsItsDatabase() throws SQLException {
        String appId = tools.createApp("public").path("app_id").asText();
        tools.sql(appId, "CREATE TABLE t (id int PRIMARY KEY)");
        tools.ok("select_rows", args("app_id", appId, "table", "t", "as_role", "service")); // opens the app's pool

        JsonNode deleted = tools.ok("manage_app", args("action", "delete", "app_id", appId));

        assertThat(deleted.path("app_id").asText()).isEqualTo(appId);
        assertThat(deleted.path("deleted").asBoolean()).isTrue();
        assertThat(DirectSql.databaseExists(appId)).isFalse();
        assertError(tools.call("manage_app", args("action", "get", "app_id", appId)), 404, "APP_NOT_FOUND");
        assertError(tools.call("manage_app", args("action", "delete", "app_id", appId)), 404, "APP_NOT_FOUND");
        assertError(tools.call("select_rows", args("app_id", appId, "table", "t", "as_role", "service")),
                404, "APP_NOT_FOUND");
        List<String> ids = new ArrayList<>();
        tools.ok("manage_app", args("action", "list")).path("apps").forEach(a -> ids.add(a.path("app_id").asText()));
        assertThat(ids).doesNotContain(appId);
    }

    @Test
    void externalDatabaseIsBootstrappedAndKeptOnDelete() throws SQLException {
        String database = "ext_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DirectSql.connect(SharedServer.get().controlUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        try {
            String url = SharedServer.get().controlUrl().withDatabase(database).toUrlWithPassword();
            JsonNode app = tools.ok("manage_app", args("action", "create", "database_url", url));
            String appId = app.path("app_id").asText();

            assertThat(app.path("database_url").asText()).isEqualTo(url);
            assertThat(DirectSql.databaseExists(appId)).as("no cluster database for an external app").isFalse();
            try (Connection c = DirectSql.connect(database)) {
                assertThat(DirectSql.value(c, "SELECT count(*)::text FROM pg_proc WHERE proname = 'current_user_id'"))
                        .isEqualTo("1");
                assertThat(DirectSql.value(c, "SELECT has_schema_privilege('butterbase_user', 'public', 'USAGE')::text"))
                        .isEqualTo("true");
            }
            tools.sql(appId, "CREATE TABLE ext_t (id int PRIMARY KEY); INSERT INTO ext_t VALUES (1)");
            assertThat(tools.ok("select_rows", args("app_id", appId, "table", "ext_t", "as_role", "anon"))
                    .path("count").asInt()).isEqualTo(1);

            tools.ok("manage_app", args("action", "delete", "app_id", appId));

            assertThat(DirectSql.databaseExists(database)).as("a database the app did not create is kept").isTrue();
            assertError(tools.call("manage_app", args("action", "get", "app_id", appId)), 404, "APP_NOT_FOUND");
        } finally {
            try (Connection c = DirectSql.connect(SharedServer.get().controlUrl()); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void createRefusesBadArguments() {
        assertError(tools.call("manage_app", args("action", "create", "database_url", "mysql://h/db")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "database_url", "postgres://host-only")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "access_mode", "open")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "name", 42)), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "plan", "free")), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "plan",
                Map.of("max_realtime_listeners", 2_000_000))), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "jwks_url", "https://x")),
                400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "get", "app_id", "app_x", "name", "n")),
                400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertServerStillAnswers(tools);
    }

    @Test
    void createOnAMissingExternalDatabaseLeavesNothingBehind() throws SQLException {
        String url = SharedServer.get().controlUrl().withDatabase("no_such_db_" + UUID.randomUUID().toString()
                .replace("-", "")).toUrlWithPassword();

        ToolClient.Response r = tools.call("manage_app", args("action", "create", "database_url", url));

        assertThat(assertError(r, 400, "SQL_ERROR")).as("the server's refusal, not a pool timeout")
                .contains("does not exist").doesNotContain("timed out");
        try (Connection c = DirectSql.connect(SharedServer.get().controlUrl())) {
            assertThat(DirectSql.value(c, "SELECT count(*)::text FROM butterbase.apps WHERE database_url = ?", url))
                    .isEqualTo("0");
        }
        assertServerStillAnswers(tools);
    }
}
