package dev.butterbase.realtime.server.presence;

import static dev.butterbase.realtime.server.testing.ToolClient.args;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.testing.SilentWsClient;
import dev.butterbase.realtime.server.testing.TestApp;
import dev.butterbase.realtime.server.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence through the real server: who sees whom, updates, channels, departures (clean, abrupt and silent),
 * coalescing under a burst, diffs, limits, and user ids that come from the token only.
 */
@Timeout(120)
class PresenceTest {

    /** The shared server's coalescing interval (ServerConfig default). */
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private static TestApp app;

    @BeforeAll
    static void createApp() {
        app = TestApp.create("authenticated");
    }

    private static WsClient connect(String user) {
        WsClient c = app.userClient(user);
        c.awaitType("connected");
        return c;
    }

    private static void track(WsClient c, String channel, Object metadata) {
        c.send(channel == null
                ? args("type", "presence_track", "metadata", metadata)
                : args("type", "presence_track", "channel", channel, "metadata", metadata));
    }

    private static Set<String> userIds(JsonNode state) {
        return stream(state.get("clients")).map(m -> m.get("user_id").asText()).collect(Collectors.toSet());
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static JsonNode member(JsonNode state, String userId) {
        return stream(state.get("clients")).filter(m -> userId.equals(m.get("user_id").asText())).findFirst().orElse(null);
    }

    /** Waits for a presence_state of {@code channel} whose members have exactly these user ids. */
    private static JsonNode awaitMembers(WsClient c, String channel, String... users) {
        return awaitState(c, channel, s -> userIds(s).equals(Set.of(users)));
    }

    private static JsonNode awaitState(WsClient c, String channel, Predicate<JsonNode> p) {
        return c.await(m -> "presence_state".equals(m.path("type").asText()) && channel.equals(m.path("channel").asText())
                && p.test(m));
    }

    private static List<JsonNode> states(WsClient c) {
        return c.ofType("presence_state");
    }

    @Test
    void threeClientsSeeEachOtherTheirUpdatesAndTheirDepartures() {
        try (WsClient alice = connect("alice"); WsClient bob = connect("bob"); WsClient carol = connect("carol")) {
            track(alice, null, Map.of("cursor", Map.of("x", 1, "y", 1), "color", "red"));
            track(bob, null, Map.of("cursor", Map.of("x", 2, "y", 2), "color", "blue"));
            track(carol, null, Map.of("cursor", Map.of("x", 3, "y", 3), "color", "green"));

            for (WsClient c : List.of(alice, bob, carol)) {
                JsonNode state = awaitMembers(c, "default", "alice", "bob", "carol");
                assertThat(member(state, "bob").get("metadata").get("color").asText()).isEqualTo("blue");
                assertThat(member(state, "alice").get("client_id").asText())
                        .isEqualTo(alice.ofType("connected").get(0).get("client_id").asText());
            }

            track(bob, null, Map.of("cursor", Map.of("x", 50, "y", 60), "color", "blue"));
            for (WsClient c : List.of(alice, carol)) {
                awaitState(c, "default", s -> member(s, "bob") != null
                        && member(s, "bob").get("metadata").get("cursor").get("x").asInt() == 50);
            }

            carol.close();
            awaitMembers(alice, "default", "alice", "bob");
            awaitMembers(bob, "default", "alice", "bob");

            // an abrupt end: the socket is torn down without a close frame (the OS still says FIN/RST)
            bob.abort();
            awaitMembers(alice, "default", "alice");
        }
    }

    @Test
    void aClientThatGoesSilentLeavesWithinTheLivenessTimeout() {
        try (WsClient watcher = connect("watcher");
                SilentWsClient ghost = SilentWsClient.connect(app.websocketUrl() + "?token=" + app.jwt("ghost"))) {
            track(watcher, "silent", Map.of());
            ghost.sendText(args("type", "presence_track", "channel", "silent", "metadata", Map.of("status", "here")).toString());
            awaitMembers(watcher, "silent", "watcher", "ghost");

            // the ghost neither closes nor answers pings; only the liveness timeout (2 heartbeats) can end it
            awaitMembers(watcher, "silent", "watcher");
            SilentWsClient.Close close = ghost.readUntilServerCloses(30_000);
            assertThat(close.code()).isEqualTo(1000);
            assertThat(close.reason()).isEqualTo("heartbeat missed");
        }
    }

    @Test
    void channelsAreSeparate() {
        try (WsClient a1 = connect("a1"); WsClient a2 = connect("a2"); WsClient b1 = connect("b1")) {
            track(a1, "a", Map.of("n", 1));
            track(a2, "a", Map.of("n", 2));
            track(b1, "b", Map.of("n", 3));

            awaitMembers(a1, "a", "a1", "a2");
            awaitMembers(a2, "a", "a1", "a2");
            awaitMembers(b1, "b", "b1");
            track(b1, "b", Map.of("n", 4));
            awaitState(b1, "b", s -> member(s, "b1").get("metadata").get("n").asInt() == 4);

            for (WsClient c : List.of(a1, a2)) {
                assertThat(states(c)).allSatisfy(s -> {
                    assertThat(s.get("channel").asText()).isEqualTo("a");
                    assertThat(userIds(s)).doesNotContain("b1");
                });
            }
            assertThat(states(b1)).allSatisfy(s -> assertThat(userIds(s)).containsOnly("b1"));
        }
    }

    @Test
    void aBurstIsCoalescedAndTheLastStateArrives() {
        try (WsClient observer = connect("observer"); WsClient mover = connect("mover")) {
            observer.send(args("type", "presence_subscribe", "channel", "burst"));
            awaitMembers(observer, "burst", new String[0]);
            int before = states(observer).size();

            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                track(mover, "burst", Map.of("cursor", Map.of("x", i, "y", i)));
            }
            awaitState(observer, "burst", s -> member(s, "mover") != null
                    && member(s, "mover").get("metadata").get("cursor").get("x").asInt() == 999);
            long elapsedNanos = System.nanoTime() - start;

            List<JsonNode> burst = states(observer).subList(before, states(observer).size());
            // flushes are at least one interval apart, and each sends one state per channel to each member
            long bound = elapsedNanos / INTERVAL.toNanos() + 2;
            assertThat((long) burst.size()).as("states during %d ms", elapsedNanos / 1_000_000).isLessThanOrEqualTo(bound);
            assertThat(burst.size()).isLessThan(1000);
            JsonNode last = burst.get(burst.size() - 1);
            assertThat(member(last, "mover").get("metadata").get("cursor").get("x").asInt()).isEqualTo(999);
            assertThat(mover.ofType("error")).isEmpty();
        }
    }

    @Test
    void diffSubscribersGetOneStateThenJoinsAndLeaves() {
        try (WsClient watcher = connect("watcher"); WsClient full = connect("full"); WsClient alice = connect("alice")) {
            watcher.send(args("type", "presence_subscribe", "channel", "room", "diffs", true));
            full.send(args("type", "presence_subscribe", "channel", "room"));
            awaitMembers(watcher, "room", new String[0]);
            awaitMembers(full, "room", new String[0]);

            track(alice, "room", Map.of("status", "online"));
            JsonNode join = watcher.await(m -> "presence_diff".equals(m.path("type").asText())
                    && m.get("joins").size() == 1);
            assertThat(join.get("channel").asText()).isEqualTo("room");
            assertThat(join.get("joins").get(0).get("user_id").asText()).isEqualTo("alice");
            assertThat(join.get("leaves")).isEmpty();
            awaitMembers(full, "room", "alice");

            track(alice, "room", Map.of("status", "away"));
            JsonNode update = watcher.await(m -> "presence_diff".equals(m.path("type").asText())
                    && m.get("joins").size() == 1 && "away".equals(m.get("joins").get(0).get("metadata").get("status").asText()));
            assertThat(update.get("leaves")).isEmpty();

            alice.send(args("type", "presence_untrack", "channel", "room"));
            JsonNode leave = watcher.await(m -> "presence_diff".equals(m.path("type").asText()) && m.get("leaves").size() == 1);
            assertThat(leave.get("leaves").get(0).get("user_id").asText()).isEqualTo("alice");
            assertThat(leave.get("joins")).isEmpty();
            awaitMembers(full, "room", new String[0]);

            assertThat(states(watcher)).as("a diff subscriber gets one state, then diffs only").hasSize(1);
            assertThat(full.ofType("presence_diff")).isEmpty();
        }
    }

    @Test
    void oversizedMetadataIsAnErrorAndTheConnectionKeepsWorking() {
        try (WsClient c = connect("big")) {
            c.send(args("type", "presence_track", "ref", "too-big", "metadata", Map.of("blob", "x".repeat(5000))));
            JsonNode error = c.awaitType("error");
            assertThat(error.get("code").asText()).isEqualTo("PRESENCE_METADATA_TOO_LARGE");
            assertThat(error.get("ref").asText()).isEqualTo("too-big");
            assertThat(error.get("message").asText()).contains("4096");

            track(c, "big", Map.of("blob", "x".repeat(100)));
            awaitMembers(c, "big", "big");
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void malformedPresenceMessagesAreErrors() {
        try (WsClient c = connect("sloppy")) {
            c.send(args("type", "presence_track", "ref", 1));
            c.send(args("type", "presence_track", "ref", 2, "metadata", "not an object"));
            c.send(args("type", "presence_track", "ref", 3, "channel", 42, "metadata", Map.of()));
            c.send(args("type", "presence_subscribe", "ref", 4, "diffs", "yes"));
            c.send(args("type", "presence_untrack", "ref", 5, "channel", ""));
            c.await(m -> m.path("ref").asInt() == 5);

            assertThat(c.ofType("error")).extracting(e -> e.get("ref").asInt() + ":" + e.get("code").asText())
                    .containsExactly("1:INVALID_MESSAGE", "2:INVALID_MESSAGE", "3:INVALID_MESSAGE", "4:INVALID_MESSAGE",
                            "5:INVALID_MESSAGE");
            track(c, null, Map.of());
            awaitState(c, "default", s -> userIds(s).contains("sloppy"));
        }
    }

    @Test
    void userIdComesFromTheTokenNeverFromMetadata() {
        TestApp open = TestApp.create(SharedServer.get(), SharedServer.tools(), "public");
        try (WsClient alice = open.userClient("alice");
                WsClient service = open.serviceClient();
                WsClient anon = open.client(null)) {
            alice.awaitType("connected");
            service.awaitType("connected");
            anon.awaitType("connected");
            track(alice, "who", Map.of("user_id", "mallory", "client_id", "forged"));
            track(service, "who", Map.of("user_id", "admin"));
            track(anon, "who", Map.of());

            JsonNode state = awaitState(alice, "who", s -> s.get("clients").size() == 3);
            JsonNode aliceEntry = stream(state.get("clients"))
                    .filter(m -> m.get("client_id").asText().equals(alice.ofType("connected").get(0).get("client_id").asText()))
                    .findFirst().orElseThrow();
            assertThat(aliceEntry.get("user_id").asText()).isEqualTo("alice");
            assertThat(aliceEntry.get("metadata").get("user_id").asText()).as("metadata is opaque").isEqualTo("mallory");
            assertThat(stream(state.get("clients")).map(m -> m.get("user_id").isNull() ? "null" : m.get("user_id").asText()))
                    .containsExactlyInAnyOrder("alice", "null", "null");
            assertThat(stream(state.get("clients")).map(m -> m.get("client_id").asText())).doesNotContain("forged");
        }
    }

    @Test
    void untrackKeepsListeningAndUnsubscribeStops() {
        try (WsClient a = connect("ua"); WsClient b = connect("ub")) {
            track(a, "u", Map.of());
            track(b, "u", Map.of());
            awaitMembers(a, "u", "ua", "ub");

            a.send(args("type", "presence_untrack", "channel", "u"));
            awaitMembers(a, "u", "ub");

            b.send(args("type", "presence_unsubscribe", "channel", "u"));
            awaitMembers(a, "u", new String[0]);
            int seenByB = states(b).size();
            track(a, "u", Map.of("back", true));
            awaitMembers(a, "u", "ua");
            // b left the channel: a's state reached a, and nothing reached b (one flush serves both)
            assertThat(states(b)).hasSize(seenByB);
        }
    }
}
