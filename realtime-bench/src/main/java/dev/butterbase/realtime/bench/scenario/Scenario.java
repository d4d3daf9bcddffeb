package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.report.ReportDraft;

/** One benchmark scenario: sets itself up in the run's app, drives the load, and fills the report. */
public interface Scenario {

    /** Runs to the end (bounded by the options' durations and timeouts) and records results and failures in {@code report}. */
    void run(BenchContext context, ReportDraft report) throws Exception;

    /** The scenario an option set asks for. */
    static Scenario of(BenchOptions options) {
        return switch (options.scenario()) {
            case NOTIFICATIONS -> new ChangeScenario(new NotificationsWorkload(options.clients(), options.seed(), options.payloadBytes()));
            case CHAT -> new ChangeScenario(new ChatWorkload(options.clients(), options.roomSize(), options.seed(),
                    options.roomFilter(), options.payloadBytes()));
            case FEED -> new ChangeScenario(new FeedWorkload(options.clients(), options.payloadBytes()));
            case PRESENCE -> new PresenceScenario();
            case IDLE -> new IdleScenario();
            case WRITE_OVERHEAD -> new WriteOverheadScenario();
        };
    }
}
