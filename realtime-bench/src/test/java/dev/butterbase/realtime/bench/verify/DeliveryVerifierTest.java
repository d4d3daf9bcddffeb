package dev.butterbase.realtime.bench.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryVerifierTest {

    private static IntList of(int... values) {
        IntList l = new IntList(1);
        for (int v : values) {
            l.add(v);
        }
        return l;
    }

    @Test
    void exactDeliveriesPassInAnyOrder() {
        Verdict v = DeliveryVerifier.verify(new IntList[] {of(3, 1, 2), of()}, new IntList[] {of(1, 2, 3), of()}, c -> "u" + c);
        assertThat(v.passed()).isTrue();
        assertThat(v.expected()).isEqualTo(3);
        assertThat(v.received()).isEqualTo(3);
        assertThat(v.examples()).isEmpty();
    }

    @Test
    void countsLeaksLossesAndDuplicatesPerClient() {
        Verdict v = DeliveryVerifier.verify(
                new IntList[] {of(1, 9, 9, 2), of(5), of(7, 7)},
                new IntList[] {of(1, 2, 3), of(), of(7)},
                c -> "u" + c);
        assertThat(v.passed()).isFalse();
        assertThat(v.leaked()).isEqualTo(2); // 9 to client 0, 5 to client 1
        assertThat(v.lost()).isEqualTo(1); // 3 never reached client 0
        assertThat(v.duplicates()).isEqualTo(2); // 9 twice, 7 twice
        assertThat(v.examples()).hasSize(3).first().asString().startsWith("client 0 (u0): 1 leaked, 1 lost, 1 duplicate");
    }
}
