package dev.butterbase.realtime.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.bench.client.BenchConnection;
import dev.butterbase.realtime.bench.client.ClientSession;
import dev.butterbase.realtime.bench.client.LoopContext;
import dev.butterbase.realtime.bench.measure.BenchClock;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients of the presence scenario: client {@code i} is in channel {@code room-<i / K>} and moves its cursor at a
 * fixed rate with {@code presence_track {channel, metadata {cursor {x, y}, c: i, ts}}}, open loop. For every
 * {@code presence_state} (or {@code presence_diff} joins) it receives, each member entry whose {@code ts} is newer
 * than the last one seen from that member is one observation, timed as receive time minus {@code ts}. An entry of
 * a client from another room is a leak. Ready once the client saw its own entry.
 */
final class PresenceSession implements ClientSession {

    private final int clients;
    private final int roomSize;
    private final long periodMicros;
    /** lastSeen[observer][member slot in its room]: the newest ts observed (0: never). Written on the observer's loop. */
    private final long[][] lastSeen;
    /** lastSent[client]: the ts of its newest track. Written on the client's loop. */
    private final long[] lastSent;
    private final LongAdder tracks = new LongAdder();
    private final LongAdder states = new LongAdder();
    private final LongAdder observations = new LongAdder();
    private final LongAdder leaks = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private volatile boolean moving = true;
    private volatile String unsupported;

    PresenceSession(int clients, int roomSize, double hz) {
        this.clients = clients;
        this.roomSize = roomSize;
        this.periodMicros = Math.max(1_000, Math.round(1_000_000 / hz));
        this.lastSeen = new long[clients][];
        this.lastSent = new long[clients];
        for (int i = 0; i < clients; i++) {
            lastSeen[i] = new long[membersOf(roomOf(i))];
        }
    }

    int roomOf(int client) {
        return client / roomSize;
    }

    int membersOf(int room) {
        return Math.min(roomSize, clients - room * roomSize);
    }

    static String channelOf(int room) {
        return "room-" + room;
    }

    @Override
    public void onConnected(BenchConnection client) {
        track(client);
        client.every(ThreadLocalRandom.current().nextLong(periodMicros), periodMicros, () -> {
            if (moving) {
                track(client);
            }
        });
    }

    private void track(BenchConnection client) {
        int i = client.index();
        long ts = BenchClock.nowMicros();
        lastSent[i] = ts;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        client.send("{\"type\":\"presence_track\",\"channel\":\"" + channelOf(roomOf(i)) + "\",\"metadata\":{\"cursor\":{\"x\":"
                + r.nextInt(1920) + ",\"y\":" + r.nextInt(1080) + "},\"c\":" + i + ",\"ts\":" + ts + "}}");
        tracks.increment();
    }

    @Override
    public void onChange(BenchConnection client, LoopContext loop, ByteBuf text) {
        malformed.increment(); // presence clients subscribe to no table
    }

    @Override
    public void onMessage(BenchConnection client, JsonNode message) {
        switch (message.path("type").asText()) {
            case "presence_state" -> {
                states.increment();
                observe(client, message.path("clients"));
            }
            case "presence_diff" -> {
                states.increment();
                observe(client, message.path("joins"));
            }
            case "error" -> {
                if ("UNKNOWN_MESSAGE_TYPE".equals(message.path("code").asText())) {
                    unsupported = message.path("message").asText();
                }
                client.fail("error " + message.path("code").asText() + ": " + message.path("message").asText());
            }
            default -> { }
        }
    }

    private void observe(BenchConnection client, JsonNode members) {
        int observer = client.index();
        int first = roomOf(observer) * roomSize;
        long now = BenchClock.nowMicros();
        LoopContext loop = client.loop();
        for (JsonNode m : members) {
            JsonNode meta = m.path("metadata");
            if (!meta.path("c").canConvertToInt() || !meta.path("ts").canConvertToLong()) {
                malformed.increment();
                continue;
            }
            int member = meta.get("c").asInt();
            long ts = meta.get("ts").asLong();
            int slot = member - first;
            if (slot < 0 || slot >= lastSeen[observer].length) {
                leaks.increment();
                continue;
            }
            if (ts > lastSeen[observer][slot]) {
                lastSeen[observer][slot] = ts;
                observations.increment();
                LatencySummary.record(loop.latencyMicros(), now - ts);
            }
            if (member == observer) {
                client.markReady();
            }
        }
    }

    void stopMoving() {
        moving = false;
    }

    /** (observer, member) pairs where the member's last track has not reached the observer. Call after a loop barrier. */
    long unconverged() {
        long missing = 0;
        for (int observer = 0; observer < clients; observer++) {
            int first = roomOf(observer) * roomSize;
            long[] seen = lastSeen[observer];
            for (int slot = 0; slot < seen.length; slot++) {
                if (seen[slot] != lastSent[first + slot]) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /** Non-null when the server answered presence_track with UNKNOWN_MESSAGE_TYPE. */
    String unsupported() {
        return unsupported;
    }

    long tracks() {
        return tracks.sum();
    }

    long states() {
        return states.sum();
    }

    long observations() {
        return observations.sum();
    }

    long leaks() {
        return leaks.sum();
    }

    long malformed() {
        return malformed.sum();
    }
}
