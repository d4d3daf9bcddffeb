package dev.butterbase.realtime.client.jssdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.client.AddFunction;
import dev.butterbase.realtime.client.NotesApp;
import dev.butterbase.realtime.server.testing.SharedServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built JS SDK in real headless Chromium (playwright-core driving Debian's chromium) against the real server:
 * a page receives live rows, survives a server-side drop without losing a row written while it was disconnected,
 * refreshes its token, tracks presence (again after the drop) and gets a function's result through emit. Leaves a
 * screenshot of the page in {@code target/js-e2e/live-rows.png}.
 */
@Timeout(120)
class JsSdkBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    private static final Path OUTPUT = Path.of(System.getProperty("butterbase.e2eOutputDir", "target/js-e2e"));

    private NodeScript browser;
    private AddFunction functions;

    @AfterEach
    void stopFunctions() {
        if (functions != null) {
            functions.close();
        }
    }

    @Test
    void aPageOnTheBuiltSdkGetsLiveRowsSurvivesAServerSideDropAndRefreshesItsToken() throws IOException {
        JsBuild.requireBuilt();
        assertThat(Files.isExecutable(CHROMIUM)).as("Chromium at " + CHROMIUM + " (apt-get install -y chromium, or set "
                + "CHROMIUM_PATH); .ci/run installs it").isTrue();
        NotesApp notes = NotesApp.create();
        functions = AddFunction.start();
        functions.register(notes, "adder", "/add", "add");
        Files.createDirectories(OUTPUT);
        Path screenshot = OUTPUT.resolve("live-rows.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);

        try (StaticSite site = StaticSite.start(JsBuild.DIR.resolve("test/e2e/page.html"), JsBuild.DIR.resolve("dist"));
                NodeScript b = NodeScript.start("test/e2e/browser.mjs", Map.of("CHROMIUM_PATH", CHROMIUM.toString()),
                        site.url() + "?" + query(Map.of("server", SharedServer.get().httpUrl(), "app", notes.appId(),
                                "token", notes.app.jwt("alice"), "name", "Alice")), screenshot.toString())) {
            browser = b;
            b.await(m -> "ready".equals(m.path("event").asText()), Duration.ofSeconds(60));
            waitFor("window.e2e.status === 'open' && window.e2e.subscribed === 1");

            // live rows, only alice's
            notes.insert("alice", "first");
            notes.insert("bob", "not for alice");
            notes.insert("alice", "second");
            waitFor("window.e2e.rows.length >= 2");

            // presence: the page tracked itself in channel "page"
            String firstClient = waitFor("window.e2e.presence.some(s => s.channel === 'page' && s.clients.some(c => "
                    + "c.client_id === window.e2e.conn.clientId && c.user_id === 'alice')) && window.e2e.conn.clientId").asText();
            // events: a function's answer comes back through emit
            JsonNode result = eval("window.e2e.emit('add', {a: 2, b: 40})");
            assertThat(result.get("adder").get("sum").asInt()).isEqualTo(42);
            assertThat(result.get("adder").get("user").asText()).isEqualTo("alice");

            // token refresh without reconnecting
            Instant newExpiry = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            eval("window.e2e.conn.setToken(" + NodeScript.JSON.writeValueAsString(notes.app.jwt("alice", newExpiry)) + ")");
            JsonNode refreshed = waitFor("window.e2e.tokenRefreshed");
            assertThat(Instant.parse(refreshed.get("expires_at").asText())).isEqualTo(newExpiry);
            assertThat(notes.connections()).singleElement().satisfies(c -> assertThat(c.expiresAt()).isEqualTo(newExpiry));

            // a server-side drop; reconnects are refused (1013, retried) while rows are written
            notes.maxListeners(0);
            notes.dropConnections();
            JsonNode codes = waitFor("window.e2e.statuses.some(s => s.code === 1013) && window.e2e.statuses.map(s => s.code || 0)");
            assertThat(StreamSupport.stream(codes.spliterator(), false).map(JsonNode::asInt).filter(c -> c != 0).toList())
                    .startsWith(1006);
            assertThat(notes.connections()).isEmpty();
            for (int i = 1; i <= 3; i++) {
                notes.insert("alice", "while down " + i);
            }
            notes.maxListeners(1000);
            waitFor("window.e2e.status === 'open' && window.e2e.rows.length >= 5");
            // the reconnect used the refreshed token, and tracked the page's presence again
            assertThat(notes.connections()).singleElement().satisfies(c -> assertThat(c.expiresAt()).isEqualTo(newExpiry));
            String secondClient = waitFor("window.e2e.presence.some(s => s.channel === 'page' && s.clients.some(c => "
                    + "c.client_id === window.e2e.conn.clientId)) && window.e2e.conn.clientId").asText();
            assertThat(secondClient).isNotEqualTo(firstClient);

            notes.insert("alice", "live again");
            waitFor("window.e2e.rows.length >= 6");
            JsonNode rows = eval("window.e2e.rows");
            List<String> bodies = StreamSupport.stream(rows.spliterator(), false).map(r -> r.get("body").asText()).toList();
            List<Long> ids = StreamSupport.stream(rows.spliterator(), false).map(r -> r.get("id").asLong()).toList();
            assertThat(bodies).containsExactly("first", "second", "while down 1", "while down 2", "while down 3", "live again");
            assertThat(ids).isSorted().doesNotHaveDuplicates();
            assertThat(eval("window.e2e.resyncs.length").asInt()).isZero();
            assertThat(eval("window.e2e.errors.length").asInt()).isZero();

            b.call(command("screenshot"), WAIT);
        }
        byte[] png = Files.readAllBytes(screenshot);
        assertThat(png.length).isGreaterThan(2000);
        assertThat(Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    }

    private JsonNode waitFor(String expr) {
        return browser.call(command("waitFor").put("expr", expr).put("timeoutMs", WAIT.toMillis()), WAIT.plusSeconds(5));
    }

    private JsonNode eval(String expr) {
        return browser.call(command("eval").put("expr", expr), WAIT);
    }

    private static ObjectNode command(String op) {
        return NodeScript.JSON.createObjectNode().put("op", op);
    }

    private static String query(Map<String, String> params) {
        return String.join("&", params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
    }
}
