package dev.butterbase.realtime.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the REST tool API of a running server, as any HTTP client would. */
public final class ToolClient {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String adminKey;

    public ToolClient(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl;
        this.adminKey = adminKey;
    }

    /** A status code and a parsed JSON body. */
    public record Response(int status, JsonNode body) {
        public String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    public Response call(String tool, String jsonBody) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/tools/" + tool))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + adminKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                    .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response call(String tool, ObjectNode args) {
        return call(tool, args.toString());
    }

    /** Calls and requires a 200, returning the result. */
    public JsonNode ok(String tool, ObjectNode args) {
        Response r = call(tool, args);
        if (r.status() != 200) {
            throw new AssertionError(tool + " " + args + " -> " + r.status() + " " + r.body());
        }
        return r.body();
    }

    public static ObjectNode args(Object... keyValues) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            n.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        return n;
    }

    /** Creates an app and returns its {@code manage_app create} result. */
    public JsonNode createApp(String accessMode) {
        return ok("manage_app", args("action", "create", "access_mode", accessMode));
    }

    /** Runs SQL on an app database through manage_schema apply. */
    public void sql(String appId, String sql) {
        ok("manage_schema", args("action", "apply", "app_id", appId, "sql", sql));
    }
}
