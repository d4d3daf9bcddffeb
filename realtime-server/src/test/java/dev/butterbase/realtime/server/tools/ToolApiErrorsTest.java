package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertError;
import static dev.butterbase.realtime.server.testing.ToolErrors.assertServerStillAnswers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The REST tool API's refusals: each with its stable code and status, and the server answering afterwards. */
@Timeout(60)
class ToolApiErrorsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String UNKNOWN_APP = "app_nosuchapp00";
    private static final List<String> TOOLS = List.of("manage_app", "manage_schema", "manage_rls", "select_rows");

    private final ToolClient tools = SharedServer.tools();

    @AfterEach
    void serverStillAnswers() {
        assertServerStillAnswers(tools);
    }

    @Test
    void unknownTool() {
        String message = assertError(tools.call("drop_everything", args("action", "list")), 404, "TOOL_NOT_FOUND");
        assertThat(message).contains("drop_everything").contains("manage_app");
    }

    @Test
    void unknownAction() {
        for (String tool : List.of("manage_app", "manage_schema", "manage_rls")) {
            String message = assertError(tools.call(tool, args("action", "explode", "app_id", UNKNOWN_APP)),
                    400, "VALIDATION_UNKNOWN_ACTION");
            assertThat(message).contains("explode");
        }
    }

    @Test
    void missingArguments() {
        for (String tool : List.of("manage_app", "manage_schema", "manage_rls")) {
            assertThat(assertError(tools.call(tool, args()), 400, "VALIDATION_MISSING_ARGUMENT")).contains("action");
        }
        assertThat(assertError(tools.call("manage_app", args("action", "get")), 400, "VALIDATION_MISSING_ARGUMENT"))
                .contains("app_id");
        assertError(tools.call("manage_app", args("action", "delete")), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "update")), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "list")), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("select_rows", args("table", "t", "as_role", "service")), 400, "VALIDATION_MISSING_ARGUMENT");
        String appId = tools.createApp("public").path("app_id").asText();
        assertThat(assertError(tools.call("select_rows", args("app_id", appId, "as_role", "service")),
                400, "VALIDATION_MISSING_ARGUMENT")).contains("table");
        assertError(tools.call("manage_rls", args("action", "drop_policy", "app_id", appId, "table", "t")),
                400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_app", "{}"), 400, "VALIDATION_MISSING_ARGUMENT");
        assertError(tools.call("manage_app", ""), 400, "VALIDATION_MISSING_ARGUMENT");
    }

    @Test
    void wrongTypesAndValues() {
        assertError(tools.call("manage_app", args("action", 5)), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "")), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "get", "app_id", 5)), 400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "get", "app_id", List.of(UNKNOWN_APP))),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", args("action", "create", "access_mode", true)),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("select_rows", args("app_id", Map.of("id", 1), "table", "t", "as_role", "service")),
                400, "VALIDATION_INVALID_ARGUMENT");
        assertError(tools.call("manage_app", "[]"), 400, "VALIDATION_INVALID_ARGUMENTS");
        assertError(tools.call("manage_app", "\"create\""), 400, "VALIDATION_INVALID_ARGUMENTS");
    }

    @Test
    void unknownArgumentKey() {
        String message = assertError(tools.call("manage_app", args("action", "list", "verbose", true)),
                400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertThat(message).contains("verbose");
        assertError(tools.call("manage_schema", args("action", "get", "app_id", UNKNOWN_APP, "schema", "public")),
                400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(tools.call("manage_rls", args("action", "list", "app_id", UNKNOWN_APP, "tabel", "t")),
                400, "VALIDATION_UNKNOWN_ARGUMENT");
        assertError(tools.call("select_rows", args("app_id", UNKNOWN_APP, "table", "t", "as_role", "service",
                "columns", List.of("id"))), 400, "VALIDATION_UNKNOWN_ARGUMENT");
    }

    @Test
    void unknownAppIsNotFoundEverywhere() {
        List<ObjectNode> calls = List.of(
                args("action", "get", "app_id", UNKNOWN_APP),
                args("action", "update", "app_id", UNKNOWN_APP, "access_mode", "public"),
                args("action", "delete", "app_id", UNKNOWN_APP));
        for (ObjectNode a : calls) {
            assertThat(assertError(tools.call("manage_app", a), 404, "APP_NOT_FOUND")).contains(UNKNOWN_APP);
        }
        assertError(tools.call("manage_schema", args("action", "apply", "app_id", UNKNOWN_APP, "sql", "SELECT 1")),
                404, "APP_NOT_FOUND");
        assertError(tools.call("manage_schema", args("action", "get", "app_id", UNKNOWN_APP)), 404, "APP_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "create_user_isolation", "app_id", UNKNOWN_APP,
                "table", "t", "user_column", "u")), 404, "APP_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "create_policy", "app_id", UNKNOWN_APP, "table", "t",
                "name", "p", "command", "SELECT", "roles", List.of("public"), "using", "true")), 404, "APP_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "list", "app_id", UNKNOWN_APP)), 404, "APP_NOT_FOUND");
        assertError(tools.call("manage_rls", args("action", "drop_policy", "app_id", UNKNOWN_APP, "table", "t",
                "name", "p")), 404, "APP_NOT_FOUND");
        assertError(tools.call("select_rows", args("app_id", UNKNOWN_APP, "table", "t", "as_role", "anon")),
                404, "APP_NOT_FOUND");
        assertError(tools.call("select_rows", args("app_id", "'; DROP DATABASE postgres; --", "table", "t",
                "as_role", "anon")), 404, "APP_NOT_FOUND");
    }

    @Test
    void malformedJsonBody() throws Exception {
        for (String body : List.of("{\"action\":", "not json", "{'action':'list'}", "{\"action\":\"list\",}",
                "{\"action\":\"list\"} trailing")) {
            HttpResponse<String> r = send("POST", "/v1/tools/manage_app", "Bearer " + SharedServer.ADMIN_KEY, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(ToolClient.JSON.readTree(r.body()).path("error").path("code").asText()).as(body)
                    .isEqualTo("VALIDATION_MALFORMED_JSON");
        }
    }

    @Test
    void missingOrWrongAdminKey() throws Exception {
        String body = args("action", "list").toString();
        List<String> badHeaders = Arrays.asList(null, "Bearer wrong-key-0123456789abcdef",
                "Bearer " + SharedServer.ADMIN_KEY.substring(1), "Bearer " + SharedServer.ADMIN_KEY + "x",
                "Basic " + SharedServer.ADMIN_KEY, SharedServer.ADMIN_KEY, "Bearer ");
        for (String tool : TOOLS) {
            for (String header : badHeaders) {
                HttpResponse<String> r = send("POST", "/v1/tools/" + tool, header, body);
                assertThat(r.statusCode()).as("%s with %s", tool, header).isEqualTo(401);
                assertThat(ToolClient.JSON.readTree(r.body()).path("error").path("code").asText())
                        .isEqualTo("UNAUTHORIZED");
            }
        }
        assertThat(send("POST", "/v1/tools/manage_app", null, "{").statusCode())
                .as("authentication before parsing").isEqualTo(401);
        assertThat(send("POST", "/v1/tools/no_such_tool", null, body).statusCode())
                .as("no tool names for strangers").isEqualTo(401);
        assertThat(send("POST", "/v1/tools/manage_app", "bearer " + SharedServer.ADMIN_KEY, body).statusCode())
                .as("the scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void onlyPostCallsATool() throws Exception {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            HttpResponse<String> r = send(method, "/v1/tools/manage_app", "Bearer " + SharedServer.ADMIN_KEY,
                    method.equals("GET") || method.equals("DELETE") ? null : "{\"action\":\"list\"}");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(ToolClient.JSON.readTree(r.body()).path("error").path("code").asText())
                    .isEqualTo("METHOD_NOT_ALLOWED");
        }
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SharedServer.get().httpUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
