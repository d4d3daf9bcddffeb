package dev.butterbase.realtime.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SqlIdentifier}: checked once, always quoted. */
@Timeout(10)
class SqlIdentifierTest {

    @Test
    void quotesEverythingAndDoublesQuotes() {
        assertThat(SqlIdentifier.of("messages").quoted()).isEqualTo("\"messages\"");
        assertThat(SqlIdentifier.of("x\"; DROP TABLE t; --").quoted()).isEqualTo("\"x\"\"; DROP TABLE t; --\"");
        assertThat(SqlIdentifier.of("a;b").qualifiedInPublic()).isEqualTo("\"public\".\"a;b\"");
        assertThat(SqlIdentifier.quote("\"\"")).isEqualTo("\"\"\"\"\"\"");
        assertThat(SqlIdentifier.of("Mixed Case").name()).isEqualTo("Mixed Case");
    }

    @Test
    void refusesEmptyNulAndOverlong() {
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.of(""));
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.of("a\0b"));
        assertThatIllegalArgumentException().isThrownBy(() -> SqlIdentifier.of("x".repeat(64)));
        assertThatIllegalArgumentException().as("63 bytes, but 2 bytes a character")
                .isThrownBy(() -> SqlIdentifier.of("é".repeat(32)));
        assertThat(SqlIdentifier.of("x".repeat(63)).name()).hasSize(63);
    }

    @Test
    void equalityIsByName() {
        assertThat(SqlIdentifier.of("t")).isEqualTo(SqlIdentifier.of("t")).hasSameHashCodeAs(SqlIdentifier.of("t"));
        assertThat(SqlIdentifier.of("t")).isNotEqualTo(SqlIdentifier.of("T"));
        assertThat(SqlIdentifier.of("a")).isLessThan(SqlIdentifier.of("b"));
    }
}
