package dev.butterbase.realtime.bench.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One scenario run twice: with the engine's RLS evaluation and with the spec's literal per-client, per-change
 * primary-key check ({@code --naive}). Each run is verified on its own; the comparison lines the costs up.
 *
 * @param rows metric, engine value, naive value, naive / engine (null when a value is unknown or zero)
 */
public record NaiveComparison(BenchReport engine, BenchReport naive, List<Row> rows) {

    /** One compared metric. */
    public record Row(String metric, Double engine, Double naive, Double naiveOverEngine) {}

    public static NaiveComparison of(BenchReport engine, BenchReport naive) {
        List<Row> rows = new ArrayList<>();
        if (engine.database() != null && naive.database() != null) {
            rows.add(row("db transactions per change", engine.database().transactionsPerChange(), naive.database().transactionsPerChange()));
        }
        if (engine.latency() != null && naive.latency() != null) {
            rows.add(row("latency p50 ms", engine.latency().p50Ms(), naive.latency().p50Ms()));
            rows.add(row("latency p99 ms", engine.latency().p99Ms(), naive.latency().p99Ms()));
            rows.add(row("latency max ms", engine.latency().maxMs(), naive.latency().maxMs()));
        }
        if (engine.deliveries() != null && naive.deliveries() != null) {
            rows.add(row("deliveries/s", engine.deliveries().perSecond(), naive.deliveries().perSecond()));
            rows.add(row("drain after last write s", engine.deliveries().drainSeconds(), naive.deliveries().drainSeconds()));
        }
        if (engine.resources() != null && naive.resources() != null) {
            rows.add(row("server CPU % of a core", engine.resources().serverCpuPercent(), naive.resources().serverCpuPercent()));
            rows.add(row("postgres CPU % of a core", engine.resources().postgresCpuPercent(), naive.resources().postgresCpuPercent()));
        }
        return new NaiveComparison(engine, naive, List.copyOf(rows));
    }

    private static Row row(String metric, Double engine, Double naive) {
        Double ratio = engine == null || naive == null || engine == 0 ? null : Math.round(naive / engine * 100) / 100.0;
        return new Row(metric, engine, naive, ratio);
    }

    /** 0 when both runs passed, else the worse exit code. */
    public int exitCode() {
        return Math.max(engine.exitCode(), naive.exitCode()) == 0 ? 0
                : engine.exitCode() == 1 || naive.exitCode() == 1 ? 1 : 3;
    }

    public void print(PrintStream out) {
        ReportPrinter.print(engine, out);
        ReportPrinter.print(naive, out);
        out.println("### " + engine.scenario() + ": engine RLS vs the spec's naive per-client check");
        out.println();
        out.println("| metric | engine | naive | naive / engine |");
        out.println("|---|---|---|---|");
        for (Row r : rows) {
            out.println("| " + r.metric() + " | " + fmt(r.engine()) + " | " + fmt(r.naive()) + " | "
                    + (r.naiveOverEngine() == null ? "n/a" : fmt(r.naiveOverEngine()) + "x") + " |");
        }
        out.println("| result | " + engine.status() + " | " + naive.status() + " | |");
        out.println();
        out.println("note: naive checks SELECT 1 FROM t WHERE pk = $1 on the live table per subscriber and change; "
                + "the harness writes INSERTs only, so both deliver the same rows (a DELETE would never reach anyone naively)");
        out.println();
    }

    private static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
    }
}
