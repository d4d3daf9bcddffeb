package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.client.ClientFleet;
import dev.butterbase.realtime.bench.client.ClientSession;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.ReportDraft;
import dev.butterbase.realtime.bench.target.BenchApp;
import java.time.Instant;
import java.util.function.IntFunction;

/** Steps every client scenario shares: opening the clients, and turning resource samples into a report section. */
final class Measurements {

    private Measurements() {}

    /** Opens every client with its own user token; false (and the report failed) unless all became ready. */
    static boolean openClients(BenchContext ctx, ClientFleet fleet, ClientSession session, IntFunction<String> userOf,
            ReportDraft report) throws InterruptedException {
        BenchOptions o = ctx.options();
        BenchApp app = ctx.app();
        Instant expiry = Instant.now().plus(o.connectTimeout()).plus(o.duration()).plusSeconds(3600);
        ClientFleet.ConnectResult r = fleet.connect(o.clients(), i -> app.websocketUri(app.token(userOf.apply(i), expiry)),
                session, o.connectConcurrency(), o.connectTimeout());
        report.connect = new BenchReport.Connect(o.clients(), r.ready(), r.failed(), round(r.took().toMillis() / 1000.0));
        if (r.ready() < o.clients()) {
            report.fail(r.failed() + " of " + o.clients() + " clients did not connect and subscribe"
                    + (r.timedOut() ? " within " + o.connectTimeout().toSeconds() + " s" : ""));
            r.problems().stream().limit(5).forEach(p -> report.fail("  " + p));
            return false;
        }
        return true;
    }

    static BenchReport.Resources resources(ResourceSampler sampler, ResourceSampler.Sample a, ResourceSampler.Sample b) {
        long wall = b.wallNanos() - a.wallNanos();
        String scope = sampler.inProcess()
                ? "in-process: server = JVM threads other than the harness's (GC/JIT excluded); jvm and rss include the clients"
                : sampler.knowsServer() ? "remote server process (--server-pid); postgres n/a" : "remote: n/a (give --server-pid)";
        return new BenchReport.Resources(
                ResourceSampler.cpuPercent(a.serverThreadsCpuMillis(), b.serverThreadsCpuMillis(), wall),
                ResourceSampler.cpuPercent(a.postgresCpuMillis(), b.postgresCpuMillis(), wall),
                ResourceSampler.cpuPercent(a.jvmCpuMillis(), b.jvmCpuMillis(), wall),
                b.rssBytes() < 0 ? null : mb(b.rssBytes()),
                a.rssBytes() < 0 || b.rssBytes() < 0 ? null : mb(b.rssBytes() - a.rssBytes()),
                scope);
    }

    static double mb(long bytes) {
        return round(bytes / (1024.0 * 1024.0));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
