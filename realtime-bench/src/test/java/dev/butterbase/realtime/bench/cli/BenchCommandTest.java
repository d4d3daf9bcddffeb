package dev.butterbase.realtime.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option errors end the command with 2 before anything starts. */
class BenchCommandTest {

    private static int run(String... args) {
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.setOut(new PrintWriter(new StringWriter()));
        return cli.execute(args);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("bench", "--scenario", "nope")).isEqualTo(2);
        assertThat(run("bench", "--scenario", "chat", "--clients", "0")).isEqualTo(2);
        assertThat(run("bench", "--scenario", "feed", "--url", "http://127.0.0.1:1")).isEqualTo(2); // no --admin-key
        assertThat(run("bench", "--scenario", "feed", "--url", "http://127.0.0.1:1", "--admin-key", "k", "--naive")).isEqualTo(2);
        assertThat(run("bench", "--scenario", "feed", "--inject-fault", "maybe")).isEqualTo(2);
        assertThat(run("bench", "--scenario", "presence", "--naive")).isEqualTo(2);
        assertThat(run("bench", "--scenario", "feed", "--clients", "100000", "--per-source", "100")).isEqualTo(2);
    }

    @Test
    void helpListsTheScenarios() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("bench", "--help")).isZero();
        assertThat(out.toString()).contains("notifications", "write-overhead", "--naive", "--json", "--inject-fault");
    }
}
