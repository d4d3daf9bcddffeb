package dev.butterbase.realtime.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The bench jar's entry point: {@code butterbase-realtime bench …} (the launcher passes {@code bench} first). */
@Command(name = "butterbase-realtime", mixinStandardHelpOptions = true, version = "butterbase-realtime-bench 0.1.0",
        description = "The load harness of Butterbase Realtime.", subcommands = BenchCommand.class)
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new BenchMain()).execute(args);
        System.exit(code); // the in-process server and JDBC leave non-daemon threads behind
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
