package dev.butterbase.realtime.bench.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import java.util.List;
import java.util.Map;

/**
 * The result of one run, as printed and as written with {@code --json}. Sections a scenario does not measure are
 * null (and absent from the JSON). Times are milliseconds unless named otherwise; CPU is percent of one core.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchReport(
        String scenario,
        String rlsMode,
        String target,
        Status status,
        List<String> failures,
        Map<String, Object> parameters,
        Connect connect,
        Writes writes,
        Deliveries deliveries,
        LatencySummary latency,
        Resources resources,
        Database database,
        Idle idle,
        Presence presence,
        WriteOverhead writeOverhead,
        List<String> notes) {

    public enum Status {
        /** Every delivery verified. */
        PASS,
        /** A leak, a loss, a duplicate, a failed client or write: the numbers are not to be trusted. */
        FAIL,
        /** The server does not implement what the scenario needs yet. */
        PENDING
    }

    public record Connect(int requested, int ready, int failed, double seconds) {}

    /**
     * @param lagP99Ms     how late (p99) the writer issued writes relative to the open-loop schedule
     * @param lateWrites   writes issued more than 10 ms late
     * @param skipped      writes never issued because the writer was still behind when the run had to end
     * @param insertP50Ms  INSERT round trip (autocommit) as the writer saw it; included in the latency below
     */
    public record Writes(int planned, int committed, int failed, int skipped, double achievedPerSecond, double lagP99Ms,
            double lagMaxMs, long lateWrites, double insertP50Ms, double insertP99Ms, List<String> errors) {}

    public record Deliveries(long expected, long received, long leaked, long lost, long duplicates, double perSecond,
            boolean drained, double drainSeconds, List<String> examples) {}

    /** Null values are unknown (remote server without --server-pid, or not Linux). */
    public record Resources(Double serverCpuPercent, Double postgresCpuPercent, Double jvmCpuPercent, Double rssMb,
            Double rssGrowthMb, String scope) {}

    /**
     * @param transactionsPerChange app-database transactions per committed change, the writer's own excluded
     * @param statementsPerChange   pg_stat_statements calls per change (the writer's excluded), or -1 when unavailable
     */
    public record Database(long changes, long serverTransactions, double transactionsPerChange, double statementsPerChange,
            String method) {}

    /** Null values are unknown (heap: remote server; RSS: remote server without --server-pid). */
    public record Idle(int connections, Double rssBytesPerConnection, Double heapBytesPerConnection, double heldSeconds,
            int closedUnexpectedly, String scope) {}

    /**
     * @param samplesObserved cursor positions seen by members (each newer position of a member, per observer)
     * @param leakedMembers   entries of clients from another room seen by an observer
     * @param unconverged     (observer, member) pairs whose last position never reached the observer
     */
    public record Presence(long tracksSent, long statesReceived, long samplesObserved, long leakedMembers, long unconverged) {}

    public record WriteOverhead(long rowsOff, long rowsOn, double rowsPerSecondOff, double rowsPerSecondOn,
            double overheadPercent, double insertP50MsOff, double insertP99MsOff, double insertP50MsOn, double insertP99MsOn,
            int writerThreads) {}

    /** The process exit code for this report: 0 pass, 1 fail, 3 pending. */
    public int exitCode() {
        return switch (status) {
            case PASS -> 0;
            case FAIL -> 1;
            case PENDING -> 3;
        };
    }
}
