package dev.butterbase.realtime.server.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.ToolClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientAuthorizationErrorHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tools over MCP on the real server, driven by the MCP SDK's own streamable-HTTP client. */
@Timeout(60)
class McpServerTest {

    @Test
    void sdkClientListsAndCallsTheTools() throws Exception {
        try (McpSyncClient client = client("Bearer " + SharedServer.ADMIN_KEY, new AtomicInteger())) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("butterbase-realtime");

            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name)
                    .contains("manage_app", "manage_schema", "manage_rls", "select_rows");
            McpSchema.Tool selectRows = tools.stream().filter(t -> t.name().equals("select_rows")).findFirst().orElseThrow();
            assertThat(selectRows.description()).isNotBlank();
            JsonNode schema = ToolClient.JSON.valueToTree(selectRows.inputSchema());
            assertThat(schema.path("required").toString()).contains("\"app_id\"", "\"table\"", "\"as_role\"");

            JsonNode app = call(client, "manage_app", Map.of("action", "create", "access_mode", "public"));
            String appId = app.path("app_id").asText();
            assertThat(app.path("service_key").asText()).startsWith("sk_");
            JsonNode applied = call(client, "manage_schema", Map.of("action", "apply", "app_id", appId,
                    "sql", "CREATE TABLE notes (id int PRIMARY KEY, owner text); "
                            + "INSERT INTO notes VALUES (1, 'alice'), (2, 'bob')"));
            assertThat(applied.path("applied").asBoolean()).isTrue();
            call(client, "manage_rls", Map.of("action", "create_user_isolation", "app_id", appId,
                    "table", "notes", "user_column", "owner"));
            JsonNode rows = call(client, "select_rows", Map.of("app_id", appId, "table", "notes",
                    "as_role", "user", "as_user", "bob"));
            assertThat(rows.path("count").asInt()).isEqualTo(1);
            assertThat(rows.path("rows").get(0).path("owner").asText()).isEqualTo("bob");

            CallToolResult failed = client.callTool(new CallToolRequest("select_rows",
                    Map.of("app_id", appId, "table", "nope", "as_role", "service")));
            assertThat(failed.isError()).isTrue();
            assertThat(ToolClient.JSON.readTree(text(failed)).path("error").path("code").asText())
                    .isEqualTo("VALIDATION_TABLE_NOT_FOUND");

            JsonNode viaRest = SharedServer.tools().ok("manage_app", ToolClient.args("action", "get", "app_id", appId));
            assertThat(viaRest.path("service_key")).as("the same tools behind both doors").isEqualTo(app.path("service_key"));
        }
    }

    @Test
    void callsWithoutTheAdminKeyAreRejected() throws Exception {
        for (String authorization : new String[] {"Bearer not-the-admin-key-0123456789", null}) {
            AtomicInteger status = new AtomicInteger();
            try (McpSyncClient client = client(authorization, status)) {
                assertThatThrownBy(client::initialize)
                        .hasRootCauseInstanceOf(McpHttpClientTransportAuthorizationException.class);
            }
            assertThat(status.get()).as("status with %s", authorization).isEqualTo(401);
        }

        HttpResponse<String> raw = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(SharedServer.get().httpUrl() + "/mcp"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                                + "\"params\":{\"name\":\"manage_app\",\"arguments\":{\"action\":\"list\"}}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(401);
        assertThat(ToolClient.JSON.readTree(raw.body()).path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
    }

    /** A client whose requests carry {@code authorization} (none when null); {@code status} records 401/403. */
    private static McpSyncClient client(String authorization, AtomicInteger status) {
        McpHttpClientAuthorizationErrorHandler onAuthorizationError = McpHttpClientAuthorizationErrorHandler.fromSync(
                (response, context) -> {
                    status.set(response.statusCode());
                    return false;
                });
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(SharedServer.get().httpUrl())
                .endpoint("/mcp")
                .httpRequestCustomizer((request, method, uri, body, context) -> {
                    if (authorization != null) {
                        request.header("Authorization", authorization);
                    }
                })
                .authorizationErrorHandler(onAuthorizationError)
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
    }

    private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) throws Exception {
        CallToolResult result = client.callTool(new CallToolRequest(tool, arguments));
        assertThat(result.isError()).as("%s %s -> %s", tool, arguments, result.content()).isNotEqualTo(Boolean.TRUE);
        return ToolClient.JSON.readTree(text(result));
    }

    private static String text(CallToolResult result) {
        assertThat(result.content()).hasSize(1).first().isInstanceOf(TextContent.class);
        return ((TextContent) result.content().get(0)).text();
    }
}
