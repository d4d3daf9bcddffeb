package dev.butterbase.realtime.bench.measure;

import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in microseconds, reported in milliseconds. */
public record LatencySummary(long count, double p50Ms, double p95Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    /** A histogram for microsecond values from 1 µs to one hour, 3 significant digits. */
    public static Histogram newHistogram() {
        return new Histogram(3_600_000_000L, 3);
    }

    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(95)), ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), Math.round(micros.getMean()) / 1000.0);
    }

    /** Records a microsecond value, clamped into the histogram's range (a negative value means 0). */
    public static void record(Histogram micros, long value) {
        micros.recordValue(Math.max(0, Math.min(value, micros.getHighestTrackableValue())));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
