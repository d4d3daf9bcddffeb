package dev.butterbase.realtime.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link PostgresUrl}: postgres:// URLs in, JDBC URLs and safe-to-log strings out. */
@Timeout(10)
class PostgresUrlTest {

    @Test
    void parsesEveryPart() {
        PostgresUrl url = PostgresUrl.parse("postgres://app:s3cret@db.example.com:6543/main?sslmode=require");

        assertThat(url.host()).isEqualTo("db.example.com");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("main");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("s3cret");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/main?sslmode=require");
    }

    @Test
    void defaultsAndOptionalParts() {
        PostgresUrl url = PostgresUrl.parse("  postgresql://localhost/db  ");

        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.user()).isNull();
        assertThat(url.password()).isNull();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
        assertThat(url.toString()).isEqualTo("postgres://localhost:5432/db");

        PostgresUrl userOnly = PostgresUrl.parse("postgres://bob@localhost/db");
        assertThat(userOnly.user()).isEqualTo("bob");
        assertThat(userOnly.password()).isNull();
        assertThat(userOnly.toString()).isEqualTo("postgres://bob@localhost:5432/db");
    }

    @Test
    void percentEncodingIsDecodedAndPlusIsAPlus() {
        PostgresUrl url = PostgresUrl.parse("postgres://us%40er:p%3Aa+s%2Fs%20w@h/my%20db");

        assertThat(url.user()).isEqualTo("us@er");
        assertThat(url.password()).as("'+' is literal in a URL's user info, as libpq reads it").isEqualTo("p:a+s/s w");
        assertThat(url.database()).isEqualTo("my db");
    }

    @Test
    void passwordWithPlusSurvivesARoundTrip() {
        PostgresUrl original = PostgresUrl.of("h", 5432, "d", "u", "a+b c");

        assertThat(PostgresUrl.parse(original.toUrlWithPassword()).password()).isEqualTo("a+b c");
        assertThat(PostgresUrl.parse("postgres://u:a+b@h/d").password()).isEqualTo("a+b");
    }

    @Test
    void toUrlWithPasswordRoundTripsAwkwardValues() {
        PostgresUrl original = PostgresUrl.of("127.0.0.1", 5433, "data base/é", "us:er@x", "p@ss:w/rd%?#& é");

        PostgresUrl back = PostgresUrl.parse(original.toUrlWithPassword());

        assertThat(back.host()).isEqualTo("127.0.0.1");
        assertThat(back.port()).isEqualTo(5433);
        assertThat(back.database()).isEqualTo("data base/é");
        assertThat(back.user()).isEqualTo("us:er@x");
        assertThat(back.password()).isEqualTo("p@ss:w/rd%?#& é");
    }

    @Test
    void toStringNeverShowsThePasswordOrQuery() {
        PostgresUrl url = PostgresUrl.parse("postgres://app:s3cret@h:1/d?password=other");

        assertThat(url.toString()).isEqualTo("postgres://app:***@h:1/d").doesNotContain("s3cret").doesNotContain("other");
        assertThat(url.toUrlWithPassword()).isEqualTo("postgres://app:s3cret@h:1/d?password=other");
    }

    @Test
    void ipv6HostsAreBracketed() {
        PostgresUrl url = PostgresUrl.parse("postgres://u@[::1]:5433/d");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/d");
        assertThat(PostgresUrl.of("::1", 5432, "d", null, null).jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/d");
    }

    @Test
    void withDatabaseKeepsServerAndCredentials() {
        PostgresUrl other = PostgresUrl.parse("postgres://u:p@h:7/control?sslmode=disable").withDatabase("app_x");

        assertThat(other.database()).isEqualTo("app_x");
        assertThat(other.toUrlWithPassword()).isEqualTo("postgres://u:p@h:7/app_x?sslmode=disable");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mysql://u@h/d           | postgres://",
        "h:5432/d                | postgres://",
        "postgres:///d           | no host",
        "postgres://h            | no database name",
        "postgres://h/           | no database name",
        "postgres://h:5432/a b   | malformed",
    })
    void refusesWithAReadableMessage(String url, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> PostgresUrl.parse(url)).withMessageContaining(message);
    }
}
