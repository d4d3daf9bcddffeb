package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.client.ClientFleet;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.ReportDraft;

/**
 * N connections, each subscribed to a realtime table, and nothing else: memory per connection (RSS and, in-process,
 * heap growth after a full GC, divided by N), then the connections are held for the run's duration (heartbeats
 * and pings go on) and must all stay open.
 */
final class IdleScenario implements Scenario {

    @Override
    public void run(BenchContext ctx, ReportDraft report) throws Exception {
        BenchOptions o = ctx.options();
        FeedWorkload workload = new FeedWorkload(o.clients(), 0);
        workload.setUp(ctx.app());
        ResourceSampler sampler = ctx.resources();
        ResourceSampler.Sample before = settledSample(sampler);
        try (ClientFleet fleet = new ClientFleet(o.clientThreads(), o.perSourceAddress())) {
            if (!Measurements.openClients(ctx, fleet, new ChangeSession(workload, o.clients()), workload::userOf, report)) {
                return;
            }
            Thread.sleep(1_000);
            ResourceSampler.Sample connected = settledSample(sampler);
            Thread.sleep(o.duration().toMillis());
            ResourceSampler.Sample held = sampler.sample();
            int n = o.clients();
            Double rssPer = before.rssBytes() < 0 || connected.rssBytes() < 0 ? null
                    : (double) Math.round((connected.rssBytes() - before.rssBytes()) / (double) n);
            Double heapPer = before.heapUsedBytes() < 0 ? null
                    : (double) Math.round((connected.heapUsedBytes() - before.heapUsedBytes()) / (double) n);
            report.idle = new BenchReport.Idle(n, rssPer, heapPer, o.duration().toSeconds(), fleet.unexpectedCloses(),
                    sampler.inProcess() ? "in-process: both ends of every connection (server and client) are in this JVM"
                            : sampler.knowsServer() ? "server process only (--server-pid); RSS growth is meaningful on a fresh server"
                                    : "n/a (give --server-pid)");
            report.resources = Measurements.resources(sampler, connected, held);
            if (fleet.problemCount() > 0) {
                report.fail(fleet.problemCount() + " client problems while idle (" + fleet.unexpectedCloses()
                        + " unexpected closes): " + String.join("; ", fleet.problems()));
            }
            fleet.closeAll();
        }
    }

    /** A sample after a full GC in this JVM (in-process only: heap then counts live objects). */
    private static ResourceSampler.Sample settledSample(ResourceSampler sampler) throws InterruptedException {
        if (sampler.inProcess()) {
            System.gc();
            Thread.sleep(500);
        }
        return sampler.sample();
    }
}
