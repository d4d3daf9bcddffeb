package dev.butterbase.realtime.bench;

import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.NaiveComparison;
import dev.butterbase.realtime.bench.report.ReportDraft;
import dev.butterbase.realtime.bench.scenario.BenchContext;
import dev.butterbase.realtime.bench.scenario.Scenario;
import dev.butterbase.realtime.bench.target.AdminApi;
import dev.butterbase.realtime.bench.target.BenchApp;
import dev.butterbase.realtime.bench.target.BenchTarget;
import dev.butterbase.realtime.bench.target.InProcessTarget;
import dev.butterbase.realtime.bench.target.RemoteTarget;
import dev.butterbase.realtime.engine.rls.RlsMode;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;

/**
 * Runs one scenario end to end: the server (started here, or the given one), an app of its own created through
 * the tool API, the scenario, and the app's deletion. Every phase is bounded in time, so a run always ends.
 */
public final class BenchRunner {

    /** File descriptors kept free for the JVM's own use (jars, epoll, JDBC, the tool API client). */
    private static final long FD_RESERVE = 256;

    private BenchRunner() {}

    /** Starts the target the options name (in-process or remote), runs, and stops what it started. */
    public static BenchReport run(BenchOptions options) {
        checkFileDescriptors(options, options.url() == null);
        try (BenchTarget target = options.url() == null
                ? InProcessTarget.start(options.dataDir(), options.naive() ? RlsMode.NAIVE : RlsMode.ENGINE,
                        options.notifyReader())
                : new RemoteTarget(options.url(), options.adminKey(), options.serverPid())) {
            return run(options, target);
        }
    }

    /**
     * {@code --naive}: the same scenario twice, each on a fresh in-process server, first with the engine's RLS
     * evaluation and then with the spec's literal per-client, per-change primary-key check.
     */
    public static NaiveComparison compare(BenchOptions options) {
        BenchOptions single = options.toBuilder().naive(false).build();
        checkFileDescriptors(single, true);
        BenchReport engine;
        try (InProcessTarget target = InProcessTarget.start(options.dataDir(), RlsMode.ENGINE, options.notifyReader())) {
            engine = run(single, target);
        }
        try (InProcessTarget target = InProcessTarget.start(options.dataDir(), RlsMode.NAIVE, options.notifyReader())) {
            return NaiveComparison.of(engine, run(single, target));
        }
    }

    /** {@link #compare(BenchOptions)} on servers someone else manages (tests share them). */
    public static NaiveComparison compare(BenchOptions options, BenchTarget engineServer, BenchTarget naiveServer) {
        BenchOptions single = options.toBuilder().naive(false).build();
        return NaiveComparison.of(run(single, engineServer), run(single, naiveServer));
    }

    /** Runs against a server someone else manages. */
    public static BenchReport run(BenchOptions options, BenchTarget target) {
        checkFileDescriptors(options, target.inProcess());
        ReportDraft report = new ReportDraft(options.scenario().wireName(), target.rlsMode(), target.describe());
        parameters(options, report);
        AdminApi api = new AdminApi(target.httpUrl(), target.adminKey());
        BenchApp app = BenchApp.create(api, "bench-" + options.scenario().wireName(), options.clients() + 64);
        try {
            Scenario.of(options).run(new BenchContext(options, target, app, target.resources()), report);
        } catch (BenchException | SQLException e) {
            report.fail("run aborted: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.fail("run interrupted");
        } catch (Exception e) {
            report.fail("run aborted: " + e);
        } finally {
            try {
                app.delete();
            } catch (BenchException e) {
                report.note("could not delete the run's app " + app.appId() + ": " + e.getMessage());
            }
        }
        return report.build();
    }

    private static void parameters(BenchOptions o, ReportDraft report) {
        if (o.scenario() != ScenarioKind.WRITE_OVERHEAD) {
            report.parameter("clients", o.clients());
        }
        report.parameter("duration_s", o.duration().toSeconds());
        switch (o.scenario()) {
            case NOTIFICATIONS, FEED -> report.parameter("rate", o.rate());
            case CHAT -> report.parameter("rate", o.rate()).parameter("room_size", o.roomSize()).parameter("room_filter", o.roomFilter());
            case PRESENCE -> report.parameter("room_size", o.roomSize()).parameter("presence_hz", o.presenceHz());
            case IDLE -> { }
            case WRITE_OVERHEAD -> report.parameter("writer_threads", o.writerThreads());
        }
        if (o.scenario().defaultRate() > 0) {
            report.parameter("writer_threads", o.writerThreads()).parameter("payload_bytes", o.payloadBytes())
                    .parameter("drain_timeout_s", o.drainTimeout().toSeconds());
        }
        if (o.scenario() != ScenarioKind.WRITE_OVERHEAD) {
            report.parameter("client_threads", o.clientThreads());
        }
        if (o.notifyReader()) {
            report.parameter("change_reader", "notify");
        }
        if (o.fault() != FaultInjection.NONE) {
            report.parameter("fault", o.fault().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Fails fast when the clients (and, in-process, the server's ends of their connections) cannot get descriptors. */
    static void checkFileDescriptors(BenchOptions options, boolean inProcess) {
        if (options.scenario() == ScenarioKind.WRITE_OVERHEAD) {
            return;
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            long needed = (long) options.clients() * (inProcess ? 2 : 1) + FD_RESERVE;
            if (needed > limit) {
                throw new BenchException(options.clients() + " clients need about " + needed + " file descriptors"
                        + (inProcess ? " (two per connection: the server is in this process)" : "") + " but the limit is "
                        + limit + ": raise it (ulimit -n " + needed + ")"
                        + (inProcess ? " or run the server in its own process and use --url" : ""));
            }
        }
    }
}
