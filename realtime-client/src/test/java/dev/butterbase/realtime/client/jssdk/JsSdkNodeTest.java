package dev.butterbase.realtime.client.jssdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.client.AddFunction;
import dev.butterbase.realtime.client.NotesApp;
import dev.butterbase.realtime.server.testing.SharedServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The built JS SDK in Node 20, with the {@code ws} package as its WebSocket, against the real server. */
@Timeout(60)
class JsSdkNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void inNodeWithWsTheSdkReceivesLiveRowsRefreshesItsTokenEmitsAndResumesAfterADrop() {
        JsBuild.requireBuilt();
        NotesApp notes = NotesApp.create();
        try (AddFunction functions = AddFunction.start();
                NodeScript node = NodeScript.start("test/e2e/node-client.mjs", Map.of(), SharedServer.get().httpUrl(),
                notes.appId(), notes.app.jwt("nina"), "notes")) {
            functions.register(notes, "adder", "/add", "add");
            node.await(m -> "subscribed".equals(m.path("event").asText()), WAIT);
            notes.insert("nina", "from node");
            notes.insert("olga", "not for nina");
            JsonNode change = node.await(m -> "change".equals(m.path("event").asText()), WAIT);
            assertThat(change.path("record").path("body").asText()).isEqualTo("from node");

            Instant newExpiry = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            node.send(NodeScript.JSON.createObjectNode().put("op", "setToken").put("token", notes.app.jwt("nina", newExpiry)));
            JsonNode refreshed = node.await(m -> "token_refreshed".equals(m.path("event").asText()), WAIT);
            assertThat(Instant.parse(refreshed.get("expires_at").asText())).isEqualTo(newExpiry);

            node.send(NodeScript.JSON.createObjectNode().put("op", "emit").put("event", "add")
                    .set("payload", NodeScript.JSON.createObjectNode().put("a", 1).put("b", 2)));
            JsonNode emitted = node.await(m -> "emit_result".equals(m.path("event").asText()), WAIT);
            assertThat(emitted.path("result").path("adder").path("sum").asInt()).isEqualTo(3);

            notes.dropConnections();
            node.await(m -> "reconnecting".equals(m.path("status").asText()), WAIT);
            notes.insert("nina", "after the drop");
            node.await(m -> "after the drop".equals(m.path("record").path("body").asText()), WAIT);
            assertThat(node.lines().stream().filter(m -> "change".equals(m.path("event").asText()))
                    .map(m -> m.path("record").path("body").asText())).containsExactly("from node", "after the drop");
        }
    }
}
