package dev.butterbase.realtime.bench.report;

import dev.butterbase.realtime.bench.measure.LatencySummary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a report as a Markdown table (pasteable into BENCHMARKS.md), then its failures and notes. */
public final class ReportPrinter {

    private ReportPrinter() {}

    public static void print(BenchReport r, PrintStream out) {
        out.println();
        out.println("### " + r.scenario() + " (RLS " + r.rlsMode() + ")");
        out.println();
        out.println("target: " + r.target());
        StringBuilder params = new StringBuilder("parameters:");
        for (Map.Entry<String, Object> p : r.parameters().entrySet()) {
            params.append(' ').append(p.getKey()).append('=').append(p.getValue());
        }
        out.println(params);
        out.println();
        List<String[]> rows = rows(r);
        int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(6);
        out.println("| " + pad("metric", width) + " | value |");
        out.println("|" + "-".repeat(width + 2) + "|-------|");
        for (String[] row : rows) {
            out.println("| " + pad(row[0], width) + " | " + row[1] + " |");
        }
        if (!r.failures().isEmpty()) {
            out.println();
            r.failures().forEach(f -> out.println("FAILURE: " + f));
        }
        r.notes().forEach(n -> out.println("note: " + n));
        out.println();
    }

    private static List<String[]> rows(BenchReport r) {
        List<String[]> rows = new ArrayList<>();
        if (r.connect() != null) {
            BenchReport.Connect c = r.connect();
            rows.add(row("clients ready", c.ready() + " / " + c.requested() + " (connect + subscribe " + num(c.seconds()) + " s)"));
        }
        if (r.writes() != null) {
            BenchReport.Writes w = r.writes();
            rows.add(row("writes", w.committed() + " committed of " + w.planned() + " planned, " + w.failed() + " failed, "
                    + w.skipped() + " skipped; " + num(w.achievedPerSecond()) + " rows/s"));
            rows.add(row("writer lag vs schedule", "p99 " + num(w.lagP99Ms()) + " ms, max " + num(w.lagMaxMs()) + " ms, "
                    + w.lateWrites() + " writes > 10 ms late"));
            rows.add(row("insert round trip", "p50 " + num(w.insertP50Ms()) + " ms, p99 " + num(w.insertP99Ms()) + " ms"));
        }
        if (r.deliveries() != null) {
            BenchReport.Deliveries d = r.deliveries();
            rows.add(row("deliveries", d.received() + " received of " + d.expected() + " expected: " + d.leaked() + " leaked, "
                    + d.lost() + " lost, " + d.duplicates() + " duplicate"));
            rows.add(row("deliveries/s", num(d.perSecond())));
            rows.add(row("drain after last write", num(d.drainSeconds()) + " s" + (d.drained() ? "" : " (timed out)")));
        }
        if (r.presence() != null) {
            BenchReport.Presence p = r.presence();
            rows.add(row("presence", p.tracksSent() + " tracks sent, " + p.statesReceived() + " states received, "
                    + p.samplesObserved() + " positions observed"));
            rows.add(row("presence verification", p.leakedMembers() + " foreign entries seen, " + p.unconverged()
                    + " pairs not converged"));
        }
        if (r.latency() != null) {
            LatencySummary l = r.latency();
            rows.add(row(r.presence() != null ? "track-to-state latency" : "commit-to-receive latency",
                    "p50 " + num(l.p50Ms()) + " / p95 " + num(l.p95Ms()) + " / p99 " + num(l.p99Ms()) + " / max "
                            + num(l.maxMs()) + " ms (n=" + l.count() + ")"));
        }
        if (r.writeOverhead() != null) {
            BenchReport.WriteOverhead w = r.writeOverhead();
            rows.add(row("inserts/s realtime off", num(w.rowsPerSecondOff()) + " (p50 " + num(w.insertP50MsOff()) + " ms, p99 "
                    + num(w.insertP99MsOff()) + " ms, " + w.rowsOff() + " rows)"));
            rows.add(row("inserts/s realtime on", num(w.rowsPerSecondOn()) + " (p50 " + num(w.insertP50MsOn()) + " ms, p99 "
                    + num(w.insertP99MsOn()) + " ms, " + w.rowsOn() + " rows)"));
            rows.add(row("write overhead", num(w.overheadPercent()) + " % fewer inserts/s with realtime on ("
                    + w.writerThreads() + " writers)"));
        }
        if (r.idle() != null) {
            BenchReport.Idle i = r.idle();
            rows.add(row("memory per connection", bytes(i.rssBytesPerConnection()) + " RSS, " + bytes(i.heapBytesPerConnection())
                    + " heap (" + i.scope() + ")"));
            rows.add(row("held", num(i.heldSeconds()) + " s, " + i.closedUnexpectedly() + " closed unexpectedly"));
        }
        if (r.resources() != null) {
            BenchReport.Resources res = r.resources();
            rows.add(row("server CPU", pct(res.serverCpuPercent()) + " (postgres " + pct(res.postgresCpuPercent())
                    + ", whole JVM " + pct(res.jvmCpuPercent()) + ")"));
            rows.add(row("RSS", (res.rssMb() == null ? "n/a" : num(res.rssMb()) + " MB") + (res.rssGrowthMb() == null ? ""
                    : " (" + (res.rssGrowthMb() >= 0 ? "+" : "") + num(res.rssGrowthMb()) + " MB during the run)")));
        }
        if (r.database() != null) {
            BenchReport.Database db = r.database();
            rows.add(row("db transactions per change", num(db.transactionsPerChange()) + " (" + db.serverTransactions()
                    + " for " + db.changes() + " changes)"));
            if (db.statementsPerChange() >= 0) {
                rows.add(row("db statements per change", num(db.statementsPerChange())));
            }
        }
        rows.add(row("result", r.status().name()));
        return rows;
    }

    private static String[] row(String metric, String value) {
        return new String[] {metric, value};
    }

    private static String pct(Double v) {
        return v == null ? "n/a" : num(v) + " % of a core";
    }

    private static String bytes(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%,.0f B", v);
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
