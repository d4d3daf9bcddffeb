package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.client.ClientFleet;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.ReportDraft;

/**
 * N clients in rooms of K moving cursors at a fixed rate (no database writes). Latency is track-to-observation
 * through {@code presence_state}, coalescing included. Verified: no client sees a member of another room, and
 * after the movement stops every client converges on every room member's last position within the drain timeout.
 */
final class PresenceScenario implements Scenario {

    @Override
    public void run(BenchContext ctx, ReportDraft report) throws Exception {
        BenchOptions o = ctx.options();
        PresenceSession session = new PresenceSession(o.clients(), o.roomSize(), o.presenceHz());
        try (ClientFleet fleet = new ClientFleet(o.clientThreads(), o.perSourceAddress())) {
            boolean opened = Measurements.openClients(ctx, fleet, session, i -> "u" + i, report);
            if (session.unsupported() != null) {
                report.pending("presence is not in this server yet: presence_track was answered with UNKNOWN_MESSAGE_TYPE ("
                        + session.unsupported() + "); the scenario follows the documented messages");
                return;
            }
            if (!opened) {
                return;
            }
            fleet.resetLatency();
            ResourceSampler.Sample r0 = ctx.resources().sample();
            Thread.sleep(o.duration().toMillis());
            session.stopMoving();
            ResourceSampler.Sample r1 = ctx.resources().sample();
            long unconverged = drain(fleet, session, o);
            report.latency = LatencySummary.of(fleet.mergedLatency());
            report.resources = Measurements.resources(ctx.resources(), r0, r1);
            report.presence = new BenchReport.Presence(session.tracks(), session.states(), session.observations(),
                    session.leaks(), unconverged);
            if (session.leaks() > 0) {
                report.fail(session.leaks() + " presence entries of clients from another room were seen");
            }
            if (unconverged > 0) {
                report.fail(unconverged + " (observer, member) pairs never saw the member's last position");
            }
            if (session.malformed() > 0) {
                report.fail(session.malformed() + " presence entries or messages were malformed");
            }
            if (fleet.problemCount() > 0) {
                report.fail(fleet.problemCount() + " client problems: " + String.join("; ", fleet.problems()));
            }
            fleet.closeAll();
        }
    }

    private static long drain(ClientFleet fleet, PresenceSession session, BenchOptions o) throws InterruptedException {
        long deadline = System.nanoTime() + o.drainTimeout().toNanos();
        while (true) {
            fleet.onEachLoop(l -> null); // barrier: what the loops recorded is visible here
            long missing = session.unconverged();
            if (missing == 0 || System.nanoTime() > deadline) {
                return missing;
            }
            Thread.sleep(200);
        }
    }
}
