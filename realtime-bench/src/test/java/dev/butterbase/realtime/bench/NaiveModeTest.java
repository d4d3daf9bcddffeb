package dev.butterbase.realtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.NaiveComparison;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * --naive: the same scenario on an engine server and on a server checking every (client, change) with the spec's
 * primary-key query; both must deliver exactly the same rows, and the naive one pays one query per client and change.
 */
@Timeout(120)
class NaiveModeTest {

    @Test
    void naiveRunDeliversTheSameRowsWithOneQueryPerClientAndChange() {
        BenchOptions options = BenchRunTest.tiny(ScenarioKind.NOTIFICATIONS).clients(8).rate(40)
                .statsSettle(Duration.ofMillis(2_500)).naive(true).build();
        NaiveComparison c = BenchRunner.compare(options, TestServers.engine(), TestServers.naive());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println(out.toString(StandardCharsets.UTF_8));

        assertThat(c.engine().failures()).isEmpty();
        assertThat(c.naive().failures()).isEmpty();
        assertThat(c.exitCode()).isZero();
        assertThat(c.engine().rlsMode()).isEqualTo("engine");
        assertThat(c.naive().rlsMode()).isEqualTo("naive");
        assertThat(c.naive().deliveries().received()).isEqualTo(40).isEqualTo(c.engine().deliveries().received());
        // every change is checked for each of the 8 subscribers, one transaction each
        assertThat(c.naive().database().transactionsPerChange()).isGreaterThanOrEqualTo(7.5);
        assertThat(c.rows()).anySatisfy(r -> assertThat(r.metric()).isEqualTo("db transactions per change"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| db transactions per change |");
        assertThat(c.naive().status()).isEqualTo(BenchReport.Status.PASS);
    }
}
