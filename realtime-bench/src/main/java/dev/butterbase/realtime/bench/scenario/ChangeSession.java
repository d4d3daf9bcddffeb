package dev.butterbase.realtime.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.butterbase.realtime.bench.client.BenchConnection;
import dev.butterbase.realtime.bench.client.ChangeScanner;
import dev.butterbase.realtime.bench.client.ClientSession;
import dev.butterbase.realtime.bench.client.LoopContext;
import dev.butterbase.realtime.bench.measure.BenchClock;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import dev.butterbase.realtime.bench.verify.IntList;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.LongAdder;

/**
 * The clients of a table-change scenario: each subscribes (ready at {@code subscribed}), then records every
 * change it receives: the row id for verification and receive time minus the row's {@code sent_at_micros} into
 * its loop's latency histogram. Rows the client may not read are counted at once (the final verdict is the
 * verifier's); {@link #valid()} tells the run when the drain is complete.
 */
final class ChangeSession implements ClientSession {

    private final ChangeWorkload workload;
    private final IntList[] received;
    private final LongAdder valid = new LongAdder();
    private final LongAdder invalid = new LongAdder();
    private final LongAdder malformed = new LongAdder();

    ChangeSession(ChangeWorkload workload, int clients) {
        this.workload = workload;
        this.received = new IntList[clients];
        for (int i = 0; i < clients; i++) {
            received[i] = new IntList();
        }
    }

    @Override
    public void onConnected(BenchConnection client) {
        client.send(workload.subscribeMessage(client.index()));
    }

    @Override
    public void onChange(BenchConnection client, LoopContext loop, ByteBuf text) {
        ChangeScanner scanner = loop.scanner();
        if (!scanner.scan(text) || scanner.op() != 'I' || scanner.rowId() > Integer.MAX_VALUE) {
            malformed.increment();
            return;
        }
        LatencySummary.record(loop.latencyMicros(), BenchClock.nowMicros() - scanner.sentAtMicros());
        int row = (int) scanner.rowId();
        received[client.index()].add(row);
        if (workload.mayRead(client.index(), row)) {
            valid.increment();
        } else {
            invalid.increment();
        }
    }

    @Override
    public void onMessage(BenchConnection client, JsonNode message) {
        switch (message.path("type").asText()) {
            case "subscribed" -> client.markReady();
            case "error" -> client.fail("error " + message.path("code").asText() + ": " + message.path("message").asText());
            default -> { }
        }
    }

    /** Deliveries so far of rows the receiving client may read (duplicates included). */
    long valid() {
        return valid.sum();
    }

    long invalid() {
        return invalid.sum();
    }

    /** Change messages that were not an INSERT with an integer id and sent_at_micros. */
    long malformed() {
        return malformed.sum();
    }

    /** Per client; read only after {@link dev.butterbase.realtime.bench.client.ClientFleet#onEachLoop} (a barrier). */
    IntList[] received() {
        return received;
    }
}
