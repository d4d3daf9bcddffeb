package dev.butterbase.realtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.butterbase.realtime.server.testing.SharedServer;
import dev.butterbase.realtime.server.websocket.RealtimeConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java client against the real server (embedded PostgreSQL, real WebSockets, real RLS). */
@Timeout(60)
class RealtimeClientServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static NotesApp app;

    private final List<StatusEvent> statuses = new CopyOnWriteArrayList<>();
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final List<RealtimeClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createApp() {
        app = NotesApp.create();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RealtimeClient::close);
    }

    private RealtimeClient.Builder builder(NotesApp a, String token) {
        return RealtimeClient.builder().url(SharedServer.get().httpUrl()).appId(a.appId()).token(token)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400)).onStatus(statuses::add);
    }

    private RealtimeClient open(RealtimeClient.Builder builder) {
        RealtimeClient client = builder.build();
        clients.add(client);
        await().atMost(WAIT).until(() -> client.status() == ConnectionStatus.OPEN);
        return client;
    }

    /** Subscribes to notes, recording changes, and waits for the server's {@code subscribed}. */
    private Subscription subscribeNotes(RealtimeClient client, SubscribeOptions.Builder options) {
        AtomicBoolean subscribed = new AtomicBoolean();
        Subscription s = client.subscribe("notes", changes::add, options.onSubscribed(() -> subscribed.set(true)).build());
        await().atMost(WAIT).untilTrue(subscribed);
        return s;
    }

    private List<String> bodies() {
        return changes.stream().map(c -> (c.record() != null ? c.record() : c.oldRecord()).path("body").asText()).toList();
    }

    @Test
    void subscribeDeliversTheUsersRowsThatMatchTheFilterWithEveryOperation() {
        RealtimeClient client = open(builder(app, app.app.jwt("ann")));
        subscribeNotes(client, SubscribeOptions.builder().filter("room", "r1"));
        app.app.exec("INSERT INTO notes (user_id, room, body) VALUES ('ann', 'r1', 'a1'), ('ann', 'r2', 'a2'), "
                + "('bob', 'r1', 'b1'), ('ann', 'r1', 'a3')");
        app.app.exec("UPDATE notes SET body = 'a1 edited' WHERE body = 'a1'");
        app.app.exec("DELETE FROM notes WHERE body = 'a3'");
        await().atMost(WAIT).until(() -> changes.size() == 4);
        assertThat(changes).extracting(Change::op).containsExactly(Change.Op.INSERT, Change.Op.INSERT, Change.Op.UPDATE,
                Change.Op.DELETE);
        assertThat(bodies()).containsExactly("a1", "a3", "a1 edited", "a3");
        assertThat(changes.get(3).record()).isNull();
        assertThat(changes.get(2).oldRecord().path("body").asText()).isEqualTo("a1");
        assertThat(changes).extracting(Change::id).isSorted().doesNotHaveDuplicates();
        assertThat(changes).allSatisfy(c -> assertThat(c.timestamp()).isNotNull());
        assertThat(client.lastChangeId("notes")).isEqualTo(changes.get(3).id());
    }

    @Test
    void aServerSideDropLosesNoRowWrittenWhileDisconnectedAndDeliversEachOnce() {
        NotesApp own = NotesApp.create();
        RealtimeClient client = open(builder(own, own.app.jwt("dan")));
        subscribeNotes(client, SubscribeOptions.builder());
        own.app.exec("INSERT INTO notes (user_id, body) VALUES ('dan', 'before')");
        await().atMost(WAIT).until(() -> changes.size() == 1);

        // keep it out while rows are written: reconnects are refused (1013, retried) until the limit is restored
        own.maxListeners(0);
        own.dropConnections(); // a TCP close from the server, no close frame
        await().atMost(WAIT).until(() -> statuses.stream().anyMatch(e -> e.status() == ConnectionStatus.RECONNECTING
                && e.code() == 1013));
        assertThat(statuses.stream().filter(e -> e.status() == ConnectionStatus.RECONNECTING).findFirst().orElseThrow().code())
                .isEqualTo(1006);
        assertThat(own.connections()).isEmpty();
        for (int i = 1; i <= 3; i++) {
            own.app.exec("INSERT INTO notes (user_id, body) VALUES ('dan', 'while down " + i + "'), ('eve', 'not for dan')");
        }
        assertThat(changes).hasSize(1);

        own.maxListeners(1000);
        await().atMost(WAIT).until(() -> changes.size() == 4);
        own.app.exec("INSERT INTO notes (user_id, body) VALUES ('dan', 'after')");
        await().atMost(WAIT).until(() -> changes.size() == 5);
        assertThat(bodies()).containsExactly("before", "while down 1", "while down 2", "while down 3", "after");
        assertThat(changes).extracting(Change::id).isSorted().doesNotHaveDuplicates();
        assertThat(client.status()).isEqualTo(ConnectionStatus.OPEN);
    }

    @Test
    void setTokenRefreshesInPlaceAndTheNewTokenIsUsedToReconnect() {
        List<Instant> refreshed = new CopyOnWriteArrayList<>();
        RealtimeClient client = open(builder(app, app.app.jwt("tia", Instant.now().plusSeconds(3600)))
                .onTokenRefreshed((expiresAt, role) -> refreshed.add(expiresAt)));
        RealtimeConnection before = app.connections().stream().filter(c -> c.clientId().equals(client.clientId())).findFirst()
                .orElseThrow();
        Instant newExpiry = Instant.now().plusSeconds(7200).truncatedTo(ChronoUnit.SECONDS);
        client.setToken(app.app.jwt("tia", newExpiry));
        await().atMost(WAIT).until(() -> refreshed.size() == 1);
        assertThat(refreshed.get(0)).isEqualTo(newExpiry);
        assertThat(before.expiresAt()).isEqualTo(newExpiry);
        assertThat(statuses).noneMatch(e -> e.status() == ConnectionStatus.RECONNECTING);

        before.channel().close();
        await().atMost(WAIT).until(() -> client.status() == ConnectionStatus.OPEN && !before.clientId().equals(client.clientId()));
        RealtimeConnection after = app.connections().stream().filter(c -> c.clientId().equals(client.clientId())).findFirst()
                .orElseThrow();
        assertThat(after.expiresAt()).isEqualTo(newExpiry);
    }

    @Test
    void anExpiredOrInvalidTokenClosesWith1008AndNeverReconnects() {
        RealtimeClient expiring = open(builder(app, app.app.jwt("exp", Instant.now().plusSeconds(2))));
        await().atMost(WAIT).until(() -> expiring.status() == ConnectionStatus.CLOSED);
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo(StatusEvent.closed(1008, "token expired"));

        RealtimeClient invalid = builder(app, "not-a-jwt").build();
        clients.add(invalid);
        await().atMost(WAIT).until(() -> invalid.status() == ConnectionStatus.CLOSED);
        assertThat(statuses.get(statuses.size() - 1).code()).isEqualTo(1008);
        assertThat(statuses.get(statuses.size() - 1).reason()).startsWith("invalid token");
        assertThat(statuses).noneMatch(e -> e.status() == ConnectionStatus.RECONNECTING);
    }

    @Test
    void aPlanWithRealtimeOffClosesWith1013AndNeverReconnects() {
        NotesApp own = NotesApp.create();
        RealtimeClient client = open(builder(own, own.app.jwt("pat")));
        own.plan(Map.of("realtime_enabled", false));
        await().atMost(WAIT).until(() -> client.status() == ConnectionStatus.CLOSED);
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo(StatusEvent.closed(1013, "Realtime disabled by plan"));
        assertThat(statuses).noneMatch(e -> e.status() == ConnectionStatus.RECONNECTING);
    }

    @Test
    void resyncRequiredIsSurfacedAndLiveChangesFollow() {
        List<String> resyncs = new CopyOnWriteArrayList<>();
        RealtimeClient client = open(builder(app, app.app.jwt("rex")).onResync((table, reason) -> resyncs.add(table)));
        List<String> ownResyncs = new CopyOnWriteArrayList<>();
        subscribeNotes(client, SubscribeOptions.builder().since(999_999_999L).onResync((table, reason) -> ownResyncs.add(reason)));
        await().atMost(WAIT).until(() -> resyncs.size() == 1);
        assertThat(resyncs).containsExactly("notes");
        assertThat(ownResyncs.get(0)).contains("no longer retained");
        app.app.exec("INSERT INTO notes (user_id, body) VALUES ('rex', 'live after resync')");
        await().atMost(WAIT).until(() -> changes.size() == 1);
        assertThat(bodies()).containsExactly("live after resync");
    }

    @Test
    void aQuietConnectionAnswersTheServersPingsAndStaysOpen() {
        RealtimeClient client = open(builder(app, app.app.jwt("quiet")));
        String clientId = client.clientId();
        // the test server's heartbeat is 2 s and it closes a client silent for 4 s: stay past that
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() ->
                clientId.equals(client.clientId()) && app.connections().stream().anyMatch(c -> c.clientId().equals(clientId)));
        assertThat(statuses).noneMatch(e -> e.status() == ConnectionStatus.RECONNECTING);
    }
}
