package dev.butterbase.realtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.SharedServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Presence and events through the Java client against the real server, with functions served by this test. */
@Timeout(60)
class PresenceAndEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static AddFunction functions;
    private static NotesApp notes;

    private final List<RealtimeClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        functions = AddFunction.start();
        notes = NotesApp.create();
        functions.register(notes, "adder", "/add", "add");
        functions.register(notes, "failing", "/fail", "fail");
    }

    @AfterAll
    static void stop() {
        functions.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RealtimeClient::close);
    }

    private RealtimeClient open(String user) {
        RealtimeClient client = RealtimeClient.builder().url(SharedServer.get().httpUrl()).appId(notes.appId())
                .token(notes.app.jwt(user)).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400)).build();
        clients.add(client);
        await().atMost(WAIT).until(() -> client.status() == ConnectionStatus.OPEN);
        return client;
    }

    @Test
    void presenceIsSharedAndTrackedAgainAfterAReconnect() {
        RealtimeClient watcher = open("wanda");
        // the channel as the watcher sees it: states replace, diffs apply
        Map<String, PresenceClient> seen = new ConcurrentHashMap<>();
        watcher.presence().onState(state -> {
            if (state.channel().equals("doc")) {
                seen.clear();
                state.clients().forEach(c -> seen.put(c.clientId(), c));
            }
        });
        watcher.presence().onDiff(diff -> {
            diff.leaves().forEach(c -> seen.remove(c.clientId()));
            diff.joins().forEach(c -> seen.put(c.clientId(), c));
        });
        watcher.presence().subscribe("doc", true);

        RealtimeClient mover = open("max");
        List<PresenceState> moversStates = new CopyOnWriteArrayList<>();
        mover.presence().onState(moversStates::add);
        mover.presence().track(Map.of("cursor", Map.of("x", 1, "y", 2)), "doc");
        String firstId = mover.clientId();
        await().atMost(WAIT).until(() -> seen.containsKey(firstId));
        assertThat(seen.get(firstId).userId()).isEqualTo("max");
        assertThat(seen.get(firstId).metadata().get("cursor").get("x").asInt()).isEqualTo(1);

        notes.dropConnection(firstId);
        await().atMost(WAIT).until(() -> mover.status() == ConnectionStatus.OPEN && !firstId.equals(mover.clientId()));
        String secondId = mover.clientId();
        await().atMost(WAIT).until(() -> seen.containsKey(secondId) && !seen.containsKey(firstId));
        assertThat(seen.get(secondId).metadata().get("cursor").get("y").asInt()).isEqualTo(2);
        await().atMost(WAIT).until(() -> moversStates.stream().anyMatch(s -> s.clients().stream()
                .anyMatch(c -> c.clientId().equals(secondId))));
    }

    @Test
    void emitReturnsTheFunctionsResultsByNameAndFailsWithTheirErrors() throws Exception {
        RealtimeClient client = open("eli");
        JsonNode result = client.emit("add", Map.of("a", 2, "b", 3)).get(20, TimeUnit.SECONDS);
        assertThat(result.get("adder").get("sum").asInt()).isEqualTo(5);
        assertThat(result.get("adder").get("user").asText()).isEqualTo("eli");

        RealtimeException failed = failure(client, "fail");
        assertThat(failed.code()).isEqualTo("FUNCTION_ERROR");
        assertThat(failed.details().get("error").get("http_status").asInt()).isEqualTo(500);
        assertThat(failure(client, "nobody-listens").code()).isEqualTo("EVENT_NOT_FOUND");
    }

    private static RealtimeException failure(RealtimeClient client, String event) throws Exception {
        try {
            client.emit(event, Map.of()).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (RealtimeException) e.getCause();
        }
        throw new AssertionError("event " + event + " succeeded");
    }
}
