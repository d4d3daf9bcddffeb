package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.measure.BenchClock;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.ReportDraft;
import dev.butterbase.realtime.bench.target.BenchApp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Insert throughput of the app database with realtime off and on, side by side: two tables of the same shape,
 * {@code wo_off} plain and {@code wo_on} enabled (capture trigger, and the app's pipeline numbering its changes;
 * no subscribers). W writer threads insert as fast as they can (closed loop, autocommit, one row per statement)
 * in six alternating phases, off-on-on-off-off-on, so drift over the run (caches, autovacuum, JIT) falls on both.
 */
final class WriteOverheadScenario implements Scenario {

    private static final String[] PHASES = {"wo_off", "wo_on", "wo_on", "wo_off", "wo_off", "wo_on"};

    /** Counts of one table over its phases. */
    private static final class Tally {
        final Histogram insertMicros = LatencySummary.newHistogram();
        long rows;
        long nanos;
    }

    @Override
    public void run(BenchContext ctx, ReportDraft report) throws Exception {
        BenchOptions o = ctx.options();
        BenchApp app = ctx.app();
        String shape = " (id bigint PRIMARY KEY, user_id text NOT NULL, body text NOT NULL, sent_at_micros bigint NOT NULL)";
        app.sql("CREATE TABLE wo_off" + shape + "; CREATE TABLE wo_on" + shape);
        app.enableRealtime("wo_on");
        String body = "w".repeat(o.payloadBytes());
        long phaseNanos = Math.max(250_000_000L, o.duration().toNanos() / PHASES.length);
        Tally off = new Tally();
        Tally on = new Tally();
        AtomicInteger ids = new AtomicInteger();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int t = 0; t < o.writerThreads(); t++) {
                connections.add(app.connect());
            }
            warmUp(connections.get(0), body, ids);
            ResourceSampler.Sample r0 = ctx.resources().sample();
            for (String table : PHASES) {
                Tally tally = table.equals("wo_on") ? on : off;
                phase(connections, table, body, ids, phaseNanos, tally);
            }
            ResourceSampler.Sample r1 = ctx.resources().sample();
            report.resources = Measurements.resources(ctx.resources(), r0, r1);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
        double offRate = off.rows * 1e9 / off.nanos;
        double onRate = on.rows * 1e9 / on.nanos;
        report.writeOverhead = new BenchReport.WriteOverhead(off.rows, on.rows, Measurements.round(offRate),
                Measurements.round(onRate), Measurements.round((1 - onRate / offRate) * 100),
                ms(off.insertMicros.getValueAtPercentile(50)), ms(off.insertMicros.getValueAtPercentile(99)),
                ms(on.insertMicros.getValueAtPercentile(50)), ms(on.insertMicros.getValueAtPercentile(99)), o.writerThreads());
        report.note("closed loop: each writer inserts one row per autocommit statement as fast as it can; "
                + "realtime on = capture trigger + the app's pipeline sequencing, no subscribers");
    }

    private static void warmUp(Connection c, String body, AtomicInteger ids) throws SQLException {
        for (String table : new String[] {"wo_off", "wo_on"}) {
            try (PreparedStatement ps = c.prepareStatement(insert(table))) {
                for (int i = 0; i < 200; i++) {
                    bind(ps, ids.getAndIncrement(), body);
                    ps.executeUpdate();
                }
            }
        }
    }

    private static void phase(List<Connection> connections, String table, String body, AtomicInteger ids, long nanos,
            Tally tally) throws InterruptedException, SQLException {
        long end = System.nanoTime() + nanos;
        AtomicReference<SQLException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        AtomicInteger rows = new AtomicInteger();
        long start = System.nanoTime();
        for (int t = 0; t < connections.size(); t++) {
            Connection c = connections.get(t);
            Histogram h = LatencySummary.newHistogram();
            histograms.add(h);
            Thread thread = new Thread(() -> {
                try (PreparedStatement ps = c.prepareStatement(insert(table))) {
                    while (System.nanoTime() < end) {
                        long begin = System.nanoTime();
                        bind(ps, ids.getAndIncrement(), body);
                        ps.executeUpdate();
                        LatencySummary.record(h, (System.nanoTime() - begin) / 1_000);
                        rows.incrementAndGet();
                    }
                } catch (SQLException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-writer-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        tally.nanos += System.nanoTime() - start;
        tally.rows += rows.get();
        histograms.forEach(tally.insertMicros::add);
    }

    private static String insert(String table) {
        return "INSERT INTO " + table + " (id, user_id, body, sent_at_micros) VALUES (?, ?, ?, ?)";
    }

    private static void bind(PreparedStatement ps, int id, String body) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, "u" + (id % 1000));
        ps.setString(3, body);
        ps.setLong(4, BenchClock.nowMicros());
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
