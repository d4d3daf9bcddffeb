package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.FaultInjection;
import dev.butterbase.realtime.bench.client.ClientFleet;
import dev.butterbase.realtime.bench.load.OpenLoopWriter;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import dev.butterbase.realtime.bench.measure.QueryCounter;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.ReportDraft;
import dev.butterbase.realtime.bench.target.BenchApp;
import dev.butterbase.realtime.bench.verify.DeliveryVerifier;
import dev.butterbase.realtime.bench.verify.IntList;
import dev.butterbase.realtime.bench.verify.Verdict;
import dev.butterbase.realtime.server.control.PostgresUrl;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * notifications, chat and feed: N subscribed clients, rows written open loop at a fixed rate, every delivery
 * timed and verified against the workload's model. The run then drains (until every expected delivery arrived,
 * or the drain timeout), waits briefly for late extras, verifies, and reads the database counters.
 */
final class ChangeScenario implements Scenario {

    /** After the drain: time for late duplicates or leaks to show up. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private final ChangeWorkload workload;

    ChangeScenario(ChangeWorkload workload) {
        this.workload = workload;
    }

    @Override
    public void run(BenchContext ctx, ReportDraft report) throws Exception {
        BenchOptions o = ctx.options();
        BenchApp app = ctx.app();
        workload.setUp(app);
        injectFault(o.fault(), app, report);
        ChangeSession session = new ChangeSession(workload, o.clients());
        try (ClientFleet fleet = new ClientFleet(o.clientThreads(), o.perSourceAddress())) {
            if (!Measurements.openClients(ctx, fleet, session, workload::userOf, report)) {
                return;
            }
            Thread.sleep(500); // the last subscriptions reach the hub
            PostgresUrl db = app.database();
            try (QueryCounter queries = QueryCounter.open(db.jdbcUrl(), db.user(), db.password())) {
                measure(ctx, fleet, session, queries, report);
            }
            fleet.closeAll();
        }
    }

    private void measure(BenchContext ctx, ClientFleet fleet, ChangeSession session, QueryCounter queries, ReportDraft report)
            throws Exception {
        BenchOptions o = ctx.options();
        QueryCounter.Sample q0 = queries.sample();
        ResourceSampler.Sample r0 = ctx.resources().sample();
        int planned = o.plannedRows();
        boolean[] committed = new boolean[planned];
        AtomicLong expected = new AtomicLong();
        OpenLoopWriter writer = new OpenLoopWriter(ctx.app()::connect, o.writerThreads(), o.rate(), planned);
        OpenLoopWriter.Result w = writer.run(workload, row -> {
            committed[row] = true;
            expected.addAndGet(workload.recipientCount(row));
        });

        long drainStart = System.nanoTime();
        long deadline = drainStart + o.drainTimeout().toNanos();
        while (session.valid() < expected.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        boolean drained = session.valid() >= expected.get();
        ResourceSampler.Sample r1 = ctx.resources().sample();
        double drainSeconds = (r1.wallNanos() - drainStart) / 1e9;
        double activeSeconds = (r1.wallNanos() - r0.wallNanos()) / 1e9;
        Thread.sleep(QUIET.toMillis());

        LatencySummary latency = LatencySummary.of(fleet.mergedLatency()); // also the barrier before reading received()
        Verdict verdict = DeliveryVerifier.verify(session.received(), expectedSets(committed, o.clients()), workload::userOf);
        Thread.sleep(o.statsSettle().toMillis());
        QueryCounter.Sample q1 = queries.sample();

        report.writes = new BenchReport.Writes(w.planned(), w.committed(), w.failed(), w.skipped(),
                Measurements.round(w.achievedPerSecond()), ms(w.lagMicros().getValueAtPercentile(99)),
                ms(w.lagMicros().getMaxValue()), w.lateWrites(), ms(w.insertMicros().getValueAtPercentile(50)),
                ms(w.insertMicros().getValueAtPercentile(99)), w.errors());
        report.deliveries = new BenchReport.Deliveries(verdict.expected(), verdict.received(), verdict.leaked(), verdict.lost(),
                verdict.duplicates(), Measurements.round(verdict.received() / activeSeconds), drained,
                Measurements.round(drainSeconds), verdict.examples());
        report.latency = latency;
        report.resources = Measurements.resources(ctx.resources(), r0, r1);
        report.database = database(q0, q1, w);
        judge(report, verdict, w, session, fleet, drained);
    }

    private IntList[] expectedSets(boolean[] committed, int clients) {
        IntList[] sets = new IntList[clients];
        for (int i = 0; i < clients; i++) {
            sets[i] = new IntList();
        }
        for (int row = 0; row < committed.length; row++) {
            if (committed[row]) {
                int r = row;
                workload.forEachRecipient(row, c -> sets[c].add(r));
            }
        }
        return sets;
    }

    private static BenchReport.Database database(QueryCounter.Sample q0, QueryCounter.Sample q1, OpenLoopWriter.Result w) {
        long writerTransactions = (long) w.committed() + w.failed();
        long serverTransactions = q1.transactions() - q0.transactions() - writerTransactions - 1; // -1: the first sample's own
        double perChange = w.committed() == 0 ? 0 : Measurements.round((double) serverTransactions / w.committed());
        double statements = q0.statements() < 0 || q1.statements() < 0 || w.committed() == 0 ? -1
                : Measurements.round((double) (q1.statements() - q0.statements() - writerTransactions) / w.committed());
        return new BenchReport.Database(w.committed(), serverTransactions, perChange, statements,
                "delta of pg_stat_database xact_commit+xact_rollback of the app database over the run, minus the writer's "
                        + "own transactions, per committed change (counters publish with up to ~1 s delay: +-a few)");
    }

    private void judge(ReportDraft report, Verdict verdict, OpenLoopWriter.Result w, ChangeSession session, ClientFleet fleet,
            boolean drained) {
        if (verdict.leaked() > 0) {
            report.fail(verdict.leaked() + " deliveries leaked to clients that may not read the row");
        }
        if (verdict.lost() > 0) {
            report.fail(verdict.lost() + " deliveries lost" + (drained ? "" : " (not delivered before the drain timeout)"));
        }
        if (verdict.duplicates() > 0) {
            report.fail(verdict.duplicates() + " duplicate deliveries");
        }
        verdict.examples().forEach(e -> report.fail("  " + e));
        if (w.failed() > 0) {
            report.fail(w.failed() + " writes failed: " + String.join("; ", w.errors()));
        }
        if (session.malformed() > 0) {
            report.fail(session.malformed() + " change messages were not INSERTs with an id and sent_at_micros");
        }
        if (fleet.problemCount() > 0) {
            report.fail(fleet.problemCount() + " client problems after setup (" + fleet.unexpectedCloses()
                    + " unexpected closes): " + String.join("; ", fleet.problems()));
        }
        if (w.skipped() > 0) {
            report.note("WRITER BEHIND: " + w.skipped() + " of " + w.planned() + " scheduled rows were never issued; "
                    + "the achieved write rate is below the requested one");
        } else if (w.lateWrites() > 0) {
            report.note("writer behind schedule at times: " + w.lateWrites() + " writes issued more than 10 ms late");
        }
    }

    private void injectFault(FaultInjection fault, BenchApp app, ReportDraft report) {
        String victim = workload.userOf(0).replace("'", "''");
        switch (fault) {
            case NONE -> { }
            case LEAK -> {
                app.selectPolicy(workload.table(), "bench_injected_leak", "current_user_id() = '" + victim + "'", true);
                report.note("fault injected: a permissive policy lets " + victim + " read every row of " + workload.table());
            }
            case LOSS -> {
                app.selectPolicy(workload.table(), "bench_injected_loss", "current_user_id() IS DISTINCT FROM '" + victim + "'",
                        false);
                report.note("fault injected: a restrictive policy hides every row of " + workload.table() + " from " + victim);
            }
        }
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
