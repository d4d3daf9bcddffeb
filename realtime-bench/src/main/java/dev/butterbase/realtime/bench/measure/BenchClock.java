package dev.butterbase.realtime.bench.measure;

import java.time.Instant;

/**
 * The one clock of a run: wall-clock microseconds since the epoch, read as an offset of {@link System#nanoTime()}
 * from a single calibration, so it is monotonic and cheap. Writers stamp rows with it and clients compare their
 * receive time with the stamp; both live in this process, so no clock skew enters a latency. Thread-safe.
 */
public final class BenchClock {

    private static final long BASE_NANOS;
    private static final long BASE_MICROS;

    static {
        Instant now = Instant.now();
        BASE_NANOS = System.nanoTime();
        BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private BenchClock() {}

    public static long nowMicros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1_000;
    }
}
