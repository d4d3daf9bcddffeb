package dev.butterbase.realtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.target.InProcessTarget;
import dev.butterbase.realtime.engine.rls.RlsMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --naive: a server checking every (client, change) with the spec's primary-key query delivers the same rows. */
@Timeout(120)
class NaiveModeTest {

    @Test
    void naiveServerDeliversTheSameRowsWithOneQueryPerClientAndChange() {
        try (InProcessTarget naive = InProcessTarget.start(null, RlsMode.NAIVE, false)) {
            BenchReport r = BenchRunner.run(BenchRunTest.tiny(ScenarioKind.NOTIFICATIONS).clients(8).rate(40)
                    .statsSettle(Duration.ofMillis(2_500)).naive(true).build(),
                    naive);
            assertThat(r.failures()).isEmpty();
            assertThat(r.status()).isEqualTo(BenchReport.Status.PASS);
            assertThat(r.rlsMode()).isEqualTo("naive");
            assertThat(r.deliveries().received()).isEqualTo(40);
            // every change is checked for each of the 8 subscribers, one transaction each
            assertThat(r.database().transactionsPerChange()).isGreaterThanOrEqualTo(7.5);
        }
    }
}
