package dev.butterbase.realtime.bench.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.bench.BenchException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The server's REST tool API ({@code POST /v1/tools/{tool}}), as any client would call it. Safe from any thread. */
public final class AdminApi {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String adminKey;

    public AdminApi(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.adminKey = adminKey;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Calls a tool; anything but 200 is a {@link BenchException} carrying the server's error. */
    public JsonNode call(String tool, ObjectNode arguments) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/tools/" + tool))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(arguments.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new BenchException(tool + " " + arguments.path("action").asText("") + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new BenchException("cannot reach the tool API at " + baseUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while calling " + tool, e);
        }
    }

    /** {@code {k1: v1, k2: v2, …}} */
    public static ObjectNode args(Object... keyValues) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            n.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        return n;
    }
}
