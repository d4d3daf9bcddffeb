package dev.butterbase.realtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.ReportPrinter;
import dev.butterbase.realtime.bench.target.InProcessTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Short real runs against one in-process server (embedded PostgreSQL, real WebSocket clients): the harness must
 * pass a correct server and fail a server whose policies were deliberately made wrong. Never asserts on speed.
 */
@Timeout(120)
class BenchRunTest {

    private static InProcessTarget server;

    @BeforeAll
    static void start() {
        server = TestServers.engine();
    }

    static BenchOptions.Builder tiny(ScenarioKind scenario) {
        return BenchOptions.builder(scenario).clients(12).duration(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(10))
                .clientThreads(2).writerThreads(2).connectTimeout(Duration.ofSeconds(30)).statsSettle(Duration.ZERO);
    }

    static BenchReport run(BenchOptions options) {
        BenchReport report = BenchRunner.run(options, server);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportPrinter.print(report, new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println(out.toString(StandardCharsets.UTF_8)); // lands in the surefire report
        return report;
    }

    @Test
    void notificationsPassVerificationWithEveryRowDeliveredOnceToItsUser() {
        BenchReport r = run(tiny(ScenarioKind.NOTIFICATIONS).rate(40).build());
        assertThat(r.failures()).isEmpty();
        assertThat(r.status()).isEqualTo(BenchReport.Status.PASS);
        assertThat(r.exitCode()).isZero();
        assertThat(r.writes().committed()).isEqualTo(40);
        assertThat(r.deliveries().expected()).isEqualTo(40);
        assertThat(r.deliveries().received()).isEqualTo(40);
        assertThat(r.latency().count()).isEqualTo(40);
        assertThat(r.database().changes()).isEqualTo(40);
        assertThat(r.resources().serverCpuPercent()).isPositive();
    }

    @Test
    void chatWithTheMembershipPolicyDeliversEachMessageToItsRoom() {
        BenchReport r = run(tiny(ScenarioKind.CHAT).rate(40).roomSize(4).build());
        assertThat(r.failures()).isEmpty();
        assertThat(r.status()).isEqualTo(BenchReport.Status.PASS);
        assertThat(r.writes().committed()).isEqualTo(40);
        assertThat(r.deliveries().expected()).isEqualTo(40 * 4); // 12 clients in 3 rooms of 4
        assertThat(r.deliveries().received()).isEqualTo(40 * 4);
    }

    @Test
    void aPolicyThatLeaksRowsToOneUserFailsTheRun() {
        BenchReport r = run(tiny(ScenarioKind.NOTIFICATIONS).rate(40).fault(FaultInjection.LEAK).build());
        assertThat(r.status()).isEqualTo(BenchReport.Status.FAIL);
        assertThat(r.exitCode()).isEqualTo(1);
        // u0 may read its own rows; every other row reached it as well
        assertThat(r.deliveries().leaked()).isPositive();
        assertThat(r.deliveries().lost()).isZero();
        assertThat(r.deliveries().examples()).singleElement().asString().startsWith("client 0 (u0): ");
        assertThat(r.failures()).anyMatch(f -> f.contains("leaked"));
    }

    @Test
    void aPolicyThatHidesRowsFromOneUserFailsTheRun() {
        // without the room filter, RLS alone keeps the rooms apart
        BenchReport r = run(tiny(ScenarioKind.CHAT).rate(40).roomSize(4).roomFilter(false).fault(FaultInjection.LOSS)
                .drainTimeout(Duration.ofSeconds(1)).build());
        assertThat(r.status()).isEqualTo(BenchReport.Status.FAIL);
        assertThat(r.deliveries().lost()).isPositive();
        assertThat(r.deliveries().leaked()).isZero();
        assertThat(r.deliveries().examples()).singleElement().asString().startsWith("client 0 (u0): 0 leaked");
    }

    @Test
    void feedReachesEveryClient() {
        BenchReport r = run(tiny(ScenarioKind.FEED).rate(10).build());
        assertThat(r.status()).isEqualTo(BenchReport.Status.PASS);
        assertThat(r.deliveries().received()).isEqualTo(10L * 12);
    }

    @Test
    void idleMeasuresMemoryPerConnectionAndKeepsThemOpen() {
        BenchReport r = run(tiny(ScenarioKind.IDLE).duration(Duration.ofSeconds(1)).build());
        assertThat(r.status()).isEqualTo(BenchReport.Status.PASS);
        assertThat(r.idle().connections()).isEqualTo(12);
        assertThat(r.idle().closedUnexpectedly()).isZero();
    }

    @Test
    void writeOverheadMeasuresBothTables() {
        BenchReport r = run(tiny(ScenarioKind.WRITE_OVERHEAD).duration(Duration.ofMillis(1_500)).build());
        assertThat(r.status()).isEqualTo(BenchReport.Status.PASS);
        assertThat(r.writeOverhead().rowsOff()).isPositive();
        assertThat(r.writeOverhead().rowsOn()).isPositive();
    }

    @Test
    void presencePassesOrIsPendingWhereTheServerLacksIt() {
        BenchReport r = run(tiny(ScenarioKind.PRESENCE).roomSize(4).build());
        assertThat(r.status()).isIn(BenchReport.Status.PASS, BenchReport.Status.PENDING);
        if (r.status() == BenchReport.Status.PASS) {
            assertThat(r.presence().leakedMembers()).isZero();
            assertThat(r.presence().unconverged()).isZero();
            assertThat(r.latency().count()).isPositive();
        }
    }
}
