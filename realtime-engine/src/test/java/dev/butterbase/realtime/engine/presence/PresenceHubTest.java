package dev.butterbase.realtime.engine.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.butterbase.realtime.engine.fanout.Subscriber;
import dev.butterbase.realtime.engine.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Presence channels and their coalesced fan-out, flushed by hand (no timing involved). */
@Timeout(30)
class PresenceHubTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A subscriber that records what it is sent. */
    static class Client implements Subscriber {
        final String id;
        final List<byte[]> received = new CopyOnWriteArrayList<>();

        Client(String id) {
            this.id = id;
        }

        @Override
        public String clientId() {
            return id;
        }

        @Override
        public Identity identity() {
            return Identity.user("user-" + id);
        }

        @Override
        public void deliver(byte[] message) {
            received.add(message);
        }

        List<JsonNode> messages() {
            return received.stream().map(b -> {
                try {
                    return JSON.readTree(b);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }

        JsonNode last() {
            List<JsonNode> all = messages();
            return all.get(all.size() - 1);
        }

        void clear() {
            received.clear();
        }
    }

    private final PresenceHub hub = new PresenceHub(new LocalPresenceStore(), PresenceSettings.DEFAULTS);

    private static List<String> clientIds(JsonNode state) {
        return state.get("clients").findValuesAsText("client_id");
    }

    @Test
    void everyMemberGetsTheSameEncodedStateAfterAFlush() {
        Client a = new Client("a");
        Client b = new Client("b");
        hub.track("app", "default", a, "user-a", "{\"cursor\":{\"x\":1}}");
        hub.track("app", "default", b, "user-b", "{}");
        assertThat(a.received).isEmpty();

        hub.flush();

        assertThat(a.received).hasSize(1);
        assertThat(b.received).hasSize(1);
        assertThat(a.received.get(0)).isSameAs(b.received.get(0));
        JsonNode state = a.last();
        assertThat(state.get("type").asText()).isEqualTo("presence_state");
        assertThat(state.get("channel").asText()).isEqualTo("default");
        assertThat(clientIds(state)).containsExactly("a", "b");
        assertThat(state.get("clients").get(0).get("user_id").asText()).isEqualTo("user-a");
        assertThat(state.get("clients").get(0).get("metadata").get("cursor").get("x").asInt()).isEqualTo(1);
    }

    @Test
    void aBurstBecomesOneStateWithTheLatestEntry() {
        Client mover = new Client("mover");
        Client watcher = new Client("watcher");
        hub.subscribe("app", "default", watcher, false);
        hub.flush();
        watcher.clear();

        for (int i = 0; i < 1000; i++) {
            hub.track("app", "default", mover, null, "{\"x\":" + i + "}");
        }
        hub.flush();
        hub.flush();

        assertThat(watcher.received).hasSize(1);
        assertThat(watcher.last().get("clients").get(0).get("metadata").get("x").asInt()).isEqualTo(999);
        assertThat(watcher.last().get("clients").get(0).get("user_id").isNull()).isTrue();
    }

    @Test
    void nothingIsSentWhenNothingChanged() {
        Client a = new Client("a");
        hub.track("app", "default", a, null, "{\"x\":1}");
        hub.flush();
        a.clear();

        hub.track("app", "default", a, null, "{\"x\":2}");
        hub.track("app", "default", a, null, "{\"x\":1}");
        hub.flush();

        assertThat(a.received).isEmpty();
    }

    @Test
    void diffSubscribersGetOneStateThenMergedDiffs() {
        Client watcher = new Client("watcher");
        Client a = new Client("a");
        Client b = new Client("b");
        hub.track("app", "room", a, null, "{\"v\":1}");
        hub.subscribe("app", "room", watcher, true);
        hub.flush();
        assertThat(watcher.messages()).singleElement()
                .satisfies(m -> assertThat(m.get("type").asText()).isEqualTo("presence_state"))
                .satisfies(m -> assertThat(clientIds(m)).containsExactly("a"));
        watcher.clear();

        hub.track("app", "room", a, null, "{\"v\":2}");
        hub.track("app", "room", b, null, "{}");
        hub.untrack("app", "room", b); // joined and left in one interval: nothing
        hub.flush();

        JsonNode diff = watcher.messages().get(0);
        assertThat(watcher.received).hasSize(1);
        assertThat(diff.get("type").asText()).isEqualTo("presence_diff");
        assertThat(diff.get("channel").asText()).isEqualTo("room");
        assertThat(diff.get("joins").findValuesAsText("client_id")).containsExactly("a");
        assertThat(diff.get("joins").get(0).get("metadata").get("v").asInt()).isEqualTo(2);
        assertThat(diff.get("leaves")).isEmpty();
        watcher.clear();

        hub.disconnect(a);
        hub.flush();
        assertThat(watcher.last().get("leaves").findValuesAsText("client_id")).containsExactly("a");
        assertThat(watcher.last().get("joins")).isEmpty();
    }

    @Test
    void aNewcomerGetsTheStateNotTheDiffOfTheSameFlush() {
        Client a = new Client("a");
        Client late = new Client("late");
        hub.track("app", "room", a, null, "{}");
        hub.flush();

        hub.track("app", "room", a, null, "{\"moved\":true}");
        hub.subscribe("app", "room", late, true);
        hub.flush();

        assertThat(late.messages()).singleElement()
                .satisfies(m -> assertThat(m.get("type").asText()).isEqualTo("presence_state"))
                .satisfies(m -> assertThat(m.get("clients").get(0).get("metadata").get("moved").asBoolean()).isTrue());
    }

    @Test
    void channelsAndAppsAreSeparate() {
        Client a = new Client("a");
        Client b = new Client("b");
        Client other = new Client("other");
        hub.track("app", "a", a, null, "{}");
        hub.track("app", "b", b, null, "{}");
        hub.track("app2", "a", other, null, "{}");
        hub.flush();

        assertThat(a.messages()).singleElement().satisfies(m -> assertThat(clientIds(m)).containsExactly("a"));
        assertThat(b.messages()).singleElement().satisfies(m -> assertThat(clientIds(m)).containsExactly("b"));
        assertThat(other.messages()).singleElement().satisfies(m -> assertThat(clientIds(m)).containsExactly("other"));
    }

    @Test
    void untrackKeepsTheAudienceUnsubscribeLeavesIt() {
        Client a = new Client("a");
        Client b = new Client("b");
        hub.track("app", "room", a, null, "{}");
        hub.track("app", "room", b, null, "{}");
        hub.flush();

        assertThat(hub.untrack("app", "room", a)).isTrue();
        assertThat(hub.untrack("app", "room", a)).isFalse();
        hub.flush();
        assertThat(clientIds(a.last())).containsExactly("b");
        a.clear();

        hub.unsubscribe("app", "room", b);
        hub.flush();
        assertThat(clientIds(a.last())).isEmpty();
        b.clear();
        hub.track("app", "room", a, null, "{\"again\":1}");
        hub.flush();
        assertThat(b.received).isEmpty();
    }

    @Test
    void disconnectLeavesEveryChannelAndForgetsEmptyOnes() {
        Client a = new Client("a");
        Client b = new Client("b");
        hub.track("app", "one", a, null, "{}");
        hub.track("app", "two", a, null, "{}");
        hub.subscribe("app", "one", b, false);
        hub.flush();

        hub.disconnect(a);
        hub.flush();

        assertThat(clientIds(b.last())).isEmpty();
        assertThat(hub.members("app", "one")).isEmpty();
        assertThat(hub.members("app", "two")).isEmpty();
        assertThat(hub.channelCount()).isEqualTo(1);
        hub.disconnect(b);
        assertThat(hub.channelCount()).isZero();
    }

    @Test
    void limitsAreEnforced() {
        PresenceHub small = new PresenceHub(new LocalPresenceStore(), new PresenceSettings(Duration.ofMillis(50), 16, 2));
        Client a = new Client("a");

        assertThat(small.track("app", "x", a, null, "{\"k\":\"0123456789\"}")).isEqualTo(PresenceHub.Outcome.METADATA_TOO_LARGE);
        assertThat(small.track("app", "x", a, null, "{\"k\":\"é\"}")).isEqualTo(PresenceHub.Outcome.OK);
        assertThat(small.subscribe("app", "y", a, false)).isEqualTo(PresenceHub.Outcome.OK);
        assertThat(small.subscribe("app", "z", a, false)).isEqualTo(PresenceHub.Outcome.TOO_MANY_CHANNELS);
        assertThat(small.track("app", "x", a, null, "{}")).isEqualTo(PresenceHub.Outcome.OK);
        small.unsubscribe("app", "y", a);
        assertThat(small.subscribe("app", "z", a, false)).isEqualTo(PresenceHub.Outcome.OK);
    }

    @Test
    void utf8LengthCountsBytes() {
        assertThat(PresenceHub.utf8Length("abc")).isEqualTo(3);
        assertThat(PresenceHub.utf8Length("é")).isEqualTo(2);
        assertThat(PresenceHub.utf8Length("€")).isEqualTo(3);
        assertThat(PresenceHub.utf8Length("😀")).isEqualTo(4);
    }

    @Test
    void aFailingRecipientDoesNotStopTheOthers() {
        Subscriber broken = new Client("broken") {
            @Override
            public void deliver(byte[] message) {
                throw new IllegalStateException("boom");
            }
        };
        Client ok = new Client("ok");
        hub.track("app", "room", broken, null, "{}");
        hub.track("app", "room", ok, null, "{}");
        hub.flush();

        assertThat(clientIds(ok.last())).containsExactly("broken", "ok");
    }

    @Test
    void theFlusherThreadSendsWithoutBeingAsked() {
        try (PresenceHub running = new PresenceHub(new LocalPresenceStore(), PresenceSettings.DEFAULTS)) {
            running.start();
            Client a = new Client("a");
            running.track("app", "room", a, null, "{}");
            await().atMost(Duration.ofSeconds(5)).until(() -> !a.received.isEmpty());
        }
    }
}
