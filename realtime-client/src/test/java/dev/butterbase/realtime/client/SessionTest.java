package dev.butterbase.realtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.client.FakeTransport.FakeSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's state machine against a scripted transport: what cannot be provoked on a real server on demand. */
@Timeout(30)
class SessionTest {

    private final FakeTransport transport = new FakeTransport();
    private final List<StatusEvent> statuses = new CopyOnWriteArrayList<>();
    private RealtimeClient client;

    private RealtimeClient client(RealtimeClient.Builder builder) {
        client = builder.url("http://server.test").appId("app_test").transport(transport).random(() -> 0)
                .reconnectBackoff(Duration.ofMillis(2), Duration.ofMillis(8)).onStatus(statuses::add).build();
        return client;
    }

    private RealtimeClient client() {
        return client(RealtimeClient.builder().token("token-1"));
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private void awaitStatus(ConnectionStatus status) {
        await().atMost(Duration.ofSeconds(5)).until(() -> client.status() == status);
    }

    @Test
    void theEndpointIsDerivedFromAnHttpOrWsBaseAndTheTokenGoesInAHeader() {
        assertThat(RealtimeClient.realtimeUri("http://127.0.0.1:8080", "app_1")).hasToString("ws://127.0.0.1:8080/v1/app_1/realtime");
        assertThat(RealtimeClient.realtimeUri("https://h/base/", "a b")).hasToString("wss://h/base/v1/a%20b/realtime");
        assertThat(RealtimeClient.realtimeUri("wss://h", "a")).hasToString("wss://h/v1/a/realtime");
        assertThatThrownBy(() -> RealtimeClient.realtimeUri("ftp://h", "a")).hasMessageContaining("http(s) or ws(s)");
        client();
        FakeSocket s = transport.next();
        assertThat(s.uri).hasToString("ws://server.test/v1/app_test/realtime");
        assertThat(s.headers).containsEntry("Authorization", "Bearer token-1");
    }

    @Test
    void backoffGrowsToTheCapWithEqualJitter() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 2);
        assertThat(List.of(1, 2, 3, 4, 5, 6).stream().map(a -> b.delay(a, 0).toMillis()).toList())
                .containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
        assertThat(List.of(1, 2, 3, 4, 5, 6).stream().map(a -> b.delay(a, 0.999999).toMillis()).toList())
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(Backoff.isStop(1008, "token expired")).isTrue();
        assertThat(Backoff.isStop(1013, "Realtime disabled by plan")).isTrue();
        assertThat(Backoff.isStop(1013, "plan limit: maxRealtimeListenersPerApp")).isFalse();
        assertThat(Backoff.isStop(1000, "heartbeat missed")).isFalse();
    }

    @Test
    void resumesFromTheLastDeliveredIdAndNeverDeliversAnIdTwice() {
        client();
        List<Long> got = new CopyOnWriteArrayList<>();
        client.subscribe("notes", c -> got.add(c.id()), SubscribeOptions.builder().filter("room", "r1").build());
        client.subscribe("tasks", c -> {}, SubscribeOptions.builder().since(40).build());
        FakeSocket first = transport.next().accept("c1");
        JsonNode sub = first.awaitSent("subscribe");
        assertThat(sub.get("filter").toString()).isEqualTo("{\"room\":\"r1\"}");
        assertThat(sub.get("ref").asText()).isNotEmpty();
        for (long id : new long[] {3, 4, 4, 2, 6}) {
            first.change(id, "notes");
        }
        await().until(() -> got.size() == 3);
        first.drop(1006, "");
        FakeSocket second = transport.next().accept("c2");
        await().until(() -> second.ofType("subscribe").size() == 2);
        assertThat(second.ofType("subscribe")).extracting(m -> m.get("table").asText() + "@" + m.get("since").asLong())
                .containsExactlyInAnyOrder("notes@6", "tasks@40");
        second.change(6, "notes");
        second.change(7, "notes");
        await().until(() -> got.size() == 4);
        assertThat(got).containsExactly(3L, 4L, 6L, 7L);
        assertThat(client.lastChangeId("notes")).isEqualTo(7L);
        assertThat(client.clientId()).isEqualTo("c2");
        assertThat(statuses).extracting(StatusEvent::status).containsSubsequence(ConnectionStatus.CONNECTING,
                ConnectionStatus.OPEN, ConnectionStatus.RECONNECTING, ConnectionStatus.CONNECTING, ConnectionStatus.OPEN);
    }

    @Test
    void theIdOfSubscribedIsTheResumePointBeforeTheFirstChange() {
        List<String> resyncs = new CopyOnWriteArrayList<>();
        client(RealtimeClient.builder().token("t").onResync((table, reason) -> resyncs.add(table)));
        List<Long> got = new CopyOnWriteArrayList<>();
        client.subscribe("quiet", c -> got.add(c.id()), SubscribeOptions.builder().build());
        FakeSocket first = transport.next().accept("c1");
        first.awaitSent("subscribe");
        first.receive("{\"type\":\"subscribed\",\"table\":\"quiet\",\"id\":77}");
        await().until(() -> Long.valueOf(77).equals(client.lastChangeId("quiet")));
        first.drop(1006, "");
        FakeSocket second = transport.next().accept("c2");
        assertThat(second.awaitSent("subscribe").get("since").asLong()).isEqualTo(77);
        second.change(78, "quiet");
        await().until(() -> got.size() == 1);
        assertThat(got).containsExactly(78L);
        assertThat(resyncs).isEmpty();
    }

    @Test
    void aResumeWithoutPositionAndTheServersResyncAreSurfaced() {
        List<String> resyncs = new CopyOnWriteArrayList<>();
        client(RealtimeClient.builder().token("t").onResync((table, reason) -> resyncs.add("client " + table)));
        List<Long> got = new CopyOnWriteArrayList<>();
        client.subscribe("quiet", c -> got.add(c.id()), SubscribeOptions.builder()
                .onResync((table, reason) -> resyncs.add("subscription " + table + ": " + reason)).build());
        FakeSocket first = transport.next().accept("c1");
        first.awaitSent("subscribe");
        first.drop(1012, "service restart");
        FakeSocket second = transport.next().accept("c2");
        assertThat(second.awaitSent("subscribe").has("since")).isFalse();
        await().until(() -> resyncs.size() == 2);
        assertThat(resyncs).containsExactly("subscription quiet: " + TableSubscription.NO_POSITION_REASON, "client quiet");

        second.change(900, "quiet");
        second.receive("{\"type\":\"resync_required\",\"table\":\"quiet\",\"reason\":\"too old\"}");
        second.change(5, "quiet"); // ids may restart after a resync: the position restarts too
        await().until(() -> got.size() == 2);
        assertThat(got).containsExactly(900L, 5L);
        assertThat(resyncs).contains("subscription quiet: too old");
    }

    @Test
    void stopCodesStopAndAPlanLimitIsRetriedWithGrowingDelays() {
        client();
        FakeSocket s = transport.next();
        for (int i = 0; i < 3; i++) {
            s.drop(1013, "plan limit: maxRealtimeListenersPerApp");
            s = transport.next();
        }
        assertThat(statuses.stream().filter(e -> e.status() == ConnectionStatus.RECONNECTING).map(e -> e.attempt() + "/"
                + e.delay().toMillis() + "/" + e.code()).toList()).containsExactly("1/1/1013", "2/2/1013", "3/4/1013");
        s.accept("c1");
        awaitStatus(ConnectionStatus.OPEN);
        s.drop(1008, "token expired");
        awaitStatus(ConnectionStatus.CLOSED);
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo(StatusEvent.closed(1008, "token expired"));
        assertThat(transport.sockets).isEmpty();
        assertThatThrownBy(() -> client.subscribe("t", c -> {})).isInstanceOf(IllegalStateException.class);

        FakeTransport second = new FakeTransport();
        try (RealtimeClient c = RealtimeClient.builder().url("http://h").appId("a").transport(second).build()) {
            second.next().accept("c").drop(1013, "Realtime disabled by plan");
            await().until(() -> c.status() == ConnectionStatus.CLOSED);
            assertThat(second.all).hasSize(1);
        }
    }

    @Test
    void aSilentConnectionIsAbandonedAfterTheHeartbeatTimeout() {
        client(RealtimeClient.builder().token("t").heartbeatTimeout(Duration.ofMillis(300)));
        FakeSocket first = transport.next().accept("c1");
        // heartbeats keep it: 12 of them, 50 ms apart, span twice the timeout
        ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger beats = new AtomicInteger();
        try {
            server.scheduleAtFixedRate(() -> {
                if (beats.incrementAndGet() <= 12) {
                    first.receive("{\"type\":\"heartbeat\",\"timestamp\":\"t\"}");
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> beats.get() > 12);
        } finally {
            server.shutdownNow();
        }
        assertThat(transport.all).hasSize(1);
        FakeSocket second = transport.next();
        assertThat(first.aborted).isTrue();
        StatusEvent reconnecting = statuses.stream().filter(e -> e.status() == ConnectionStatus.RECONNECTING).findFirst().orElseThrow();
        assertThat(reconnecting.code()).isEqualTo(1006);
        assertThat(reconnecting.reason()).isEqualTo("no message from the server for 300 ms");
        second.accept("c2");
        awaitStatus(ConnectionStatus.OPEN);
    }

    @Test
    void setTokenIsSentWhenOpenUsedOnReconnectAndARefusedTokenIsRolledBack() {
        List<String> errors = new CopyOnWriteArrayList<>();
        client(RealtimeClient.builder().token("token-1").onError(e -> errors.add(e.code())));
        FakeSocket first = transport.next();
        client.setToken("token-2"); // while connecting with token-1
        first.accept("c1");
        JsonNode refresh = first.awaitSent("access_token");
        assertThat(refresh.get("token").asText()).isEqualTo("token-2");
        client.setToken("token-bad");
        await().until(() -> first.ofType("access_token").size() == 2);
        String badRef = first.ofType("access_token").get(1).get("ref").asText();
        first.receive("{\"type\":\"error\",\"code\":\"INVALID_TOKEN\",\"message\":\"invalid token\",\"ref\":\"" + badRef + "\"}");
        await().until(() -> errors.contains("INVALID_TOKEN"));
        first.drop(1006, "");
        FakeSocket second = transport.next();
        assertThat(second.token()).isEqualTo("token-2");
        second.accept("c2");
        awaitStatus(ConnectionStatus.OPEN);
        assertThat(second.ofType("access_token")).isEmpty();
    }

    @Test
    void presenceIsSentAgainAfterAReconnect() {
        client();
        client.presence().track(Map.of("color", "red"), "room");
        FakeSocket first = transport.next().accept("c1");
        first.awaitSent("presence_track");
        client.presence().track(Map.of("color", "blue"), "room");
        client.presence().subscribe("lobby", true);
        client.presence().track(Map.of("x", 1));
        client.presence().untrack();
        client.presence().subscribe("left", false);
        client.presence().track(Map.of("y", 1), "left");
        client.presence().unsubscribe("left");
        await().until(() -> first.ofType("presence_unsubscribe").size() == 1);
        assertThat(first.ofType("presence_unsubscribe").get(0).toString())
                .isEqualTo("{\"type\":\"presence_unsubscribe\",\"channel\":\"left\"}");
        assertThat(first.ofType("presence_untrack")).hasSize(1);
        first.drop(1006, "");
        FakeSocket second = transport.next().accept("c2");
        await().until(() -> second.sent.size() >= 2);
        assertThat(second.sent).extracting(JsonNode::toString).containsExactly(
                "{\"type\":\"presence_subscribe\",\"channel\":\"lobby\",\"diffs\":true}",
                "{\"type\":\"presence_track\",\"metadata\":{\"color\":\"blue\"},\"channel\":\"room\"}");
        List<PresenceState> states = new CopyOnWriteArrayList<>();
        client.presence().onState(states::add);
        second.receive("{\"type\":\"presence_state\",\"channel\":\"room\",\"clients\":[{\"client_id\":\"c2\",\"user_id\":\"u\","
                + "\"metadata\":{\"color\":\"blue\"}}]}");
        await().until(() -> states.size() == 1);
        assertThat(states.get(0).clients().get(0).metadata().get("color").asText()).isEqualTo("blue");
    }

    @Test
    void emitCompletesWithTheResultOrFailsAndIsNeverSentTwice() throws Exception {
        client(RealtimeClient.builder().token("t").emitTimeout(Duration.ofSeconds(5)));
        CompletableFuture<JsonNode> ok = client.emit("add", Map.of("a", 1)); // waits for `connected`
        FakeSocket first = transport.next().accept("c1");
        JsonNode sent = first.awaitSent("event");
        first.receive("{\"type\":\"event_result\",\"ref\":\"" + sent.get("ref").asText() + "\",\"event\":\"add\",\"status\":\"ok\","
                + "\"result\":{\"sum\":1}}");
        assertThat(ok.get(5, TimeUnit.SECONDS).get("sum").asInt()).isEqualTo(1);

        CompletableFuture<JsonNode> failing = client.emit("boom", null);
        await().until(() -> first.ofType("event").size() == 2);
        first.receive("{\"type\":\"event_result\",\"ref\":\"" + first.ofType("event").get(1).get("ref").asText()
                + "\",\"event\":\"boom\",\"status\":\"error\",\"error\":{\"code\":\"FUNCTION_ERROR\",\"message\":\"it broke\","
                + "\"http_status\":500},\"result\":{\"f1\":1}}");
        RealtimeException boom = failure(failing);
        assertThat(boom).extracting(RealtimeException::code, RealtimeException::getMessage).containsExactly("FUNCTION_ERROR", "it broke");
        assertThat(boom.details().get("error").get("http_status").asInt()).isEqualTo(500);
        assertThat(boom.details().get("result").get("f1").asInt()).isEqualTo(1);

        CompletableFuture<JsonNode> lost = client.emit("slow", 1);
        await().until(() -> first.ofType("event").size() == 3);
        first.drop(1006, "");
        assertThat(failure(lost).code()).isEqualTo("CONNECTION_LOST");
        FakeSocket second = transport.next().accept("c2");
        assertThat(failure(client.emit("never", 1, Duration.ofMillis(50))).code()).isEqualTo("TIMEOUT");
        assertThat(second.ofType("event")).extracting(m -> m.get("event").asText()).containsExactly("never");

        CompletableFuture<JsonNode> pending = client.emit("pending", 1);
        client.close();
        assertThat(failure(pending).code()).isEqualTo("CLOSED");
        assertThat(failure(client.emit("after", 1)).code()).isEqualTo("CLOSED");
    }

    private static RealtimeException failure(CompletableFuture<JsonNode> future) throws Exception {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RealtimeException.class);
            return (RealtimeException) e.getCause();
        }
        throw new AssertionError("expected a failure, got " + future.join());
    }
}
