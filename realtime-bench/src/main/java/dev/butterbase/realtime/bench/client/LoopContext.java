package dev.butterbase.realtime.bench.client;

import dev.butterbase.realtime.bench.measure.LatencySummary;
import org.HdrHistogram.Histogram;

/**
 * What the clients of one event loop share: a latency histogram and a scanner. Touched only from that loop's
 * thread; read by others only through {@link ClientFleet#onEachLoop}, which runs on the loop.
 */
public final class LoopContext {

    private final Histogram latencyMicros = LatencySummary.newHistogram();
    private final ChangeScanner scanner = new ChangeScanner();

    public Histogram latencyMicros() {
        return latencyMicros;
    }

    public ChangeScanner scanner() {
        return scanner;
    }
}
