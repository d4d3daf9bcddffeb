package dev.butterbase.realtime.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code butterbase-realtime}: the command-line entry point. */
@Command(name = "butterbase-realtime", mixinStandardHelpOptions = true, version = "butterbase-realtime 0.1.0",
        description = "Live Postgres row changes over WebSocket, filtered per client by Row-Level Security.",
        subcommands = {ServeCommand.class, TokenCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
