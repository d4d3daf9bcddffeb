package dev.butterbase.realtime.bench.report;

import dev.butterbase.realtime.bench.measure.LatencySummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects a run's sections as they become known; {@link #build} decides the status from the failures. Not thread-safe. */
public final class ReportDraft {

    private final String scenario;
    private final String rlsMode;
    private final String target;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean pending;
    public BenchReport.Connect connect;
    public BenchReport.Writes writes;
    public BenchReport.Deliveries deliveries;
    public LatencySummary latency;
    public BenchReport.Resources resources;
    public BenchReport.Database database;
    public BenchReport.Idle idle;
    public BenchReport.Presence presence;
    public BenchReport.WriteOverhead writeOverhead;

    public ReportDraft(String scenario, String rlsMode, String target) {
        this.scenario = scenario;
        this.rlsMode = rlsMode;
        this.target = target;
    }

    public ReportDraft parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    /** Something that makes the run's numbers untrustworthy: the run fails. */
    public void fail(String failure) {
        failures.add(failure);
    }

    public void note(String note) {
        notes.add(note);
    }

    /** The server lacks what the scenario needs. */
    public void pending(String why) {
        pending = true;
        notes.add(why);
    }

    public boolean failed() {
        return !failures.isEmpty();
    }

    public BenchReport build() {
        // pending wins: a server without the feature makes every client fail, and that is not the harness's verdict
        BenchReport.Status status = pending ? BenchReport.Status.PENDING
                : !failures.isEmpty() ? BenchReport.Status.FAIL : BenchReport.Status.PASS;
        return new BenchReport(scenario, rlsMode, target, status, List.copyOf(failures), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters)), connect, writes,
                deliveries, latency, resources, database, idle, presence, writeOverhead, List.copyOf(notes));
    }
}
