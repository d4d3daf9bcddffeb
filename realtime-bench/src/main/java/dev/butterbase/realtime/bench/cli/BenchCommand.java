package dev.butterbase.realtime.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.butterbase.realtime.bench.BenchException;
import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.BenchRunner;
import dev.butterbase.realtime.bench.FaultInjection;
import dev.butterbase.realtime.bench.ScenarioKind;
import dev.butterbase.realtime.bench.report.BenchReport;
import dev.butterbase.realtime.bench.report.NaiveComparison;
import dev.butterbase.realtime.bench.report.ReportPrinter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: runs one scenario and prints its report; exit 0 pass, 1 verification or run failed, 2 usage, 3 pending. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive a server with many WebSocket clients and open-loop writes, verify every delivery against RLS, "
                + "and report latency, throughput and cost.",
                "Starts the server in-process on the embedded PostgreSQL unless --url is given. For more than ~9,000 "
                        + "clients in-process, raise ulimit -n (two descriptors per connection)."},
        exitCodeOnExecutionException = 1)
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--scenario", required = true,
            description = "notifications | chat | feed | presence | idle | write-overhead")
    String scenario;

    @Option(names = "--clients", defaultValue = "200", description = "WebSocket clients, one user each (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--duration", defaultValue = "20",
            description = "Seconds of writing (presence: moving; idle: holding; write-overhead: all phases) (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--rate", defaultValue = "0",
            description = "Rows per second, open loop (default: notifications 100, chat 20, feed 5).")
    double rate;

    @Option(names = "--room-size", defaultValue = "10", description = "chat, presence: clients per room (default: ${DEFAULT-VALUE}).")
    int roomSize;

    @Option(names = "--presence-hz", defaultValue = "10", description = "presence: cursor moves per client per second (default: ${DEFAULT-VALUE}).")
    double presenceHz;

    @Option(names = "--drain-timeout", defaultValue = "15",
            description = "Seconds deliveries may still arrive after the last write (default: ${DEFAULT-VALUE}).")
    long drainSeconds;

    @Option(names = "--naive", description = "Run the scenario twice on fresh in-process servers, with the engine's RLS and "
            + "with the spec's literal per-client, per-change primary-key check, and print both and their ratio.")
    boolean naive;

    @Option(names = "--change-reader", defaultValue = "auto",
            description = "In-process: auto (WAL where possible) or notify (LISTEN/NOTIFY) (default: ${DEFAULT-VALUE}).")
    String changeReader;

    @Option(names = "--url", description = "A running server (http://host:port) instead of the in-process one.")
    String url;

    @Option(names = "--admin-key", description = "The running server's admin key (with --url).")
    String adminKey;

    @Option(names = "--server-pid", defaultValue = "-1", description = "With --url: the server's pid on this machine, for CPU and RSS.")
    long serverPid;

    @Option(names = "--data-dir", description = "In-process: data directory (default: a temporary one, deleted after the run).")
    Path dataDir;

    @Option(names = "--client-threads", defaultValue = "2", description = "Client event loops (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--writer-threads", defaultValue = "4", description = "Writer connections (default: ${DEFAULT-VALUE}).")
    int writerThreads;

    @Option(names = "--per-source", defaultValue = "20000",
            description = "Connections per loopback source address 127.0.0.x (default: ${DEFAULT-VALUE}).")
    int perSource;

    @Option(names = "--connect-concurrency", defaultValue = "256", description = "Handshakes in flight (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = "--connect-timeout", defaultValue = "180", description = "Seconds to open every client (default: ${DEFAULT-VALUE}).")
    long connectTimeoutSeconds;

    @Option(names = "--payload-bytes", defaultValue = "64", description = "Size of each row's text column (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--no-room-filter", negatable = false,
            description = "chat: subscribe without filter {room_id} (RLS alone then keeps rooms apart).")
    boolean noRoomFilter;

    @Option(names = "--inject-fault", defaultValue = "none",
            description = "Self-test of the verifier: leak | loss adds a wrong policy for the first user; the run must fail.")
    String fault;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Also write the report as JSON to this file.")
    Path json;

    @Override
    public Integer call() {
        BenchOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Object result;
        int exitCode;
        try {
            if (options.naive()) {
                NaiveComparison comparison = BenchRunner.compare(options);
                comparison.print(System.out);
                result = comparison;
                exitCode = comparison.exitCode();
            } else {
                BenchReport report = BenchRunner.run(options);
                ReportPrinter.print(report, System.out);
                result = report;
                exitCode = report.exitCode();
            }
        } catch (BenchException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (json != null) {
            try {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
            } catch (IOException e) {
                System.err.println("error: cannot write " + json + ": " + e.getMessage());
                return 1;
            }
        }
        return exitCode;
    }

    private BenchOptions options() {
        BenchOptions.Builder b = BenchOptions.builder(ScenarioKind.fromWire(scenario))
                .clients(clients)
                .duration(Duration.ofSeconds(durationSeconds))
                .rate(rate)
                .roomSize(roomSize)
                .presenceHz(presenceHz)
                .drainTimeout(Duration.ofSeconds(drainSeconds))
                .naive(naive)
                .serverPid(serverPid)
                .dataDir(dataDir)
                .clientThreads(clientThreads)
                .writerThreads(writerThreads)
                .perSourceAddress(perSource)
                .connectConcurrency(connectConcurrency)
                .connectTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                .payloadBytes(payloadBytes)
                .roomFilter(!noRoomFilter)
                .seed(seed);
        if (url != null) {
            b.remote(url, adminKey);
        }
        if (!changeReader.equals("auto") && !changeReader.equals("notify")) {
            throw new IllegalArgumentException("--change-reader must be auto or notify");
        }
        b.notifyReader(changeReader.equals("notify"));
        try {
            b.fault(FaultInjection.valueOf(fault.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--inject-fault must be none, leak or loss");
        }
        return b.build();
    }
}
