package dev.butterbase.realtime.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Everything a run is told, checked at construction. Built from flags in the CLI only. */
public final class BenchOptions {

    private final ScenarioKind scenario;
    private final int clients;
    private final Duration duration;
    private final double rate;
    private final int roomSize;
    private final double presenceHz;
    private final Duration drainTimeout;
    private final Duration statsSettle;
    private final String url;
    private final String adminKey;
    private final long serverPid;
    private final Path dataDir;
    private final boolean naive;
    private final boolean notifyReader;
    private final int clientThreads;
    private final int writerThreads;
    private final int perSourceAddress;
    private final int connectConcurrency;
    private final Duration connectTimeout;
    private final int payloadBytes;
    private final boolean roomFilter;
    private final FaultInjection fault;
    private final long seed;

    private BenchOptions(Builder b) {
        this.scenario = Objects.requireNonNull(b.scenario, "scenario");
        this.clients = positive(b.clients, "clients");
        this.duration = Objects.requireNonNull(b.duration, "duration");
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration must be between 1 s and 1 h");
        }
        this.rate = b.rate > 0 ? b.rate : scenario.defaultRate();
        if (!(rate >= 0) || rate > 1_000_000) {
            throw new IllegalArgumentException("rate must be between 0 and 1000000 rows/s");
        }
        if (rate * duration.toMillis() / 1000.0 > Integer.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException("rate x duration is too many rows");
        }
        this.roomSize = positive(b.roomSize, "room size");
        if (!(b.presenceHz > 0) || b.presenceHz > 100) {
            throw new IllegalArgumentException("presence rate must be between 0 and 100 Hz");
        }
        this.presenceHz = b.presenceHz;
        this.drainTimeout = Objects.requireNonNull(b.drainTimeout, "drainTimeout");
        this.statsSettle = Objects.requireNonNull(b.statsSettle, "statsSettle");
        this.url = b.url;
        this.adminKey = b.adminKey;
        if (url != null && (adminKey == null || adminKey.isBlank())) {
            throw new IllegalArgumentException("--url needs --admin-key");
        }
        if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("--url must be http(s)://host:port");
        }
        if (url != null && b.naive) {
            throw new IllegalArgumentException("--naive needs the in-process server (the RLS mode is a server setting)");
        }
        this.serverPid = b.serverPid;
        this.dataDir = b.dataDir;
        if (b.naive && scenario.defaultRate() == 0) {
            throw new IllegalArgumentException("--naive compares RLS paths: it applies to notifications, chat and feed");
        }
        this.naive = b.naive;
        if (url != null && b.notifyReader) {
            throw new IllegalArgumentException("--change-reader is a server setting: it needs the in-process server");
        }
        this.notifyReader = b.notifyReader;
        this.clientThreads = positive(b.clientThreads, "client threads");
        this.writerThreads = positive(b.writerThreads, "writer threads");
        this.perSourceAddress = positive(b.perSourceAddress, "connections per source address");
        if (perSourceAddress > 28_000) {
            throw new IllegalArgumentException("at most 28000 connections per source address (the ephemeral port range)");
        }
        if ((clients - 1) / perSourceAddress + 1 > 254) {
            throw new IllegalArgumentException("clients / per-source needs more than 254 loopback addresses");
        }
        this.connectConcurrency = positive(b.connectConcurrency, "connect concurrency");
        this.connectTimeout = Objects.requireNonNull(b.connectTimeout, "connectTimeout");
        if (b.payloadBytes < 0 || b.payloadBytes > 100_000) {
            throw new IllegalArgumentException("payload bytes must be between 0 and 100000");
        }
        this.payloadBytes = b.payloadBytes;
        this.roomFilter = b.roomFilter;
        this.fault = Objects.requireNonNull(b.fault, "fault");
        this.seed = b.seed;
    }

    private static int positive(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return value;
    }

    public static Builder builder(ScenarioKind scenario) {
        Builder b = new Builder();
        b.scenario = scenario;
        return b;
    }

    /** A builder holding these options, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.scenario = scenario;
        b.clients = clients;
        b.duration = duration;
        b.rate = rate;
        b.roomSize = roomSize;
        b.presenceHz = presenceHz;
        b.drainTimeout = drainTimeout;
        b.statsSettle = statsSettle;
        b.url = url;
        b.adminKey = adminKey;
        b.serverPid = serverPid;
        b.dataDir = dataDir;
        b.naive = naive;
        b.notifyReader = notifyReader;
        b.clientThreads = clientThreads;
        b.writerThreads = writerThreads;
        b.perSourceAddress = perSourceAddress;
        b.connectConcurrency = connectConcurrency;
        b.connectTimeout = connectTimeout;
        b.payloadBytes = payloadBytes;
        b.roomFilter = roomFilter;
        b.fault = fault;
        b.seed = seed;
        return b;
    }

    public ScenarioKind scenario() {
        return scenario;
    }

    public int clients() {
        return clients;
    }

    /** How long rows are written (or cursors moved, or connections held). */
    public Duration duration() {
        return duration;
    }

    /** Rows per second (the scenario's default when not given). */
    public double rate() {
        return rate;
    }

    public int roomSize() {
        return roomSize;
    }

    public double presenceHz() {
        return presenceHz;
    }

    /** How long after the last write deliveries may still arrive. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /**
     * How long to wait before the final read of the database counters: longer than the dispatcher's 2 s safety poll,
     * after which its backend has published its counts. Tests that do not look at the counters shorten it.
     */
    public Duration statsSettle() {
        return statsSettle;
    }

    /** A running server's {@code http://host:port}, or null to start one in-process. */
    public String url() {
        return url;
    }

    public String adminKey() {
        return adminKey;
    }

    /** A remote server's pid on this machine, for CPU and RSS; -1 when unknown. */
    public long serverPid() {
        return serverPid;
    }

    /** In-process data directory; null for a temporary one. */
    public Path dataDir() {
        return dataDir;
    }

    /** Run the scenario twice, with the engine's RLS and with the spec's literal check, and compare. */
    public boolean naive() {
        return naive;
    }

    /** In-process: force the LISTEN/NOTIFY change reader instead of WAL. */
    public boolean notifyReader() {
        return notifyReader;
    }

    public int clientThreads() {
        return clientThreads;
    }

    public int writerThreads() {
        return writerThreads;
    }

    public int perSourceAddress() {
        return perSourceAddress;
    }

    public int connectConcurrency() {
        return connectConcurrency;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int payloadBytes() {
        return payloadBytes;
    }

    /** chat: clients subscribe with {@code filter {room_id}} as the spec's pattern does. */
    public boolean roomFilter() {
        return roomFilter;
    }

    public FaultInjection fault() {
        return fault;
    }

    public long seed() {
        return seed;
    }

    /** Rows the writer is scheduled to issue. */
    public int plannedRows() {
        return (int) Math.floor(rate * duration.toMillis() / 1000.0);
    }

    @Override
    public String toString() {
        return "BenchOptions[" + scenario.wireName() + ", clients=" + clients + ", duration=" + duration.toSeconds() + "s, rate="
                + rate + ", room=" + roomSize + ", naive=" + naive + ", target=" + (url == null ? "in-process" : url) + "]";
    }

    /** Defaults: 200 clients for 20 s, rooms of 10, 10 Hz cursors, 15 s drain, in-process. */
    public static final class Builder {
        private ScenarioKind scenario;
        private int clients = 200;
        private Duration duration = Duration.ofSeconds(20);
        private double rate;
        private int roomSize = 10;
        private double presenceHz = 10;
        private Duration drainTimeout = Duration.ofSeconds(15);
        private Duration statsSettle = Duration.ofMillis(2_500);
        private String url;
        private String adminKey;
        private long serverPid = -1;
        private Path dataDir;
        private boolean naive;
        private boolean notifyReader;
        private int clientThreads = 2;
        private int writerThreads = 4;
        private int perSourceAddress = 20_000;
        private int connectConcurrency = 256;
        private Duration connectTimeout = Duration.ofSeconds(180);
        private int payloadBytes = 64;
        private boolean roomFilter = true;
        private FaultInjection fault = FaultInjection.NONE;
        private long seed = 1;

        private Builder() {}

        public Builder clients(int v) { clients = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        /** 0 means the scenario's default. */
        public Builder rate(double v) { rate = v; return this; }
        public Builder roomSize(int v) { roomSize = v; return this; }
        public Builder presenceHz(double v) { presenceHz = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder statsSettle(Duration v) { statsSettle = v; return this; }
        public Builder remote(String serverUrl, String key) { url = serverUrl; adminKey = key; return this; }
        public Builder serverPid(long v) { serverPid = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder naive(boolean v) { naive = v; return this; }
        public Builder notifyReader(boolean v) { notifyReader = v; return this; }
        public Builder clientThreads(int v) { clientThreads = v; return this; }
        public Builder writerThreads(int v) { writerThreads = v; return this; }
        public Builder perSourceAddress(int v) { perSourceAddress = v; return this; }
        public Builder connectConcurrency(int v) { connectConcurrency = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder payloadBytes(int v) { payloadBytes = v; return this; }
        public Builder roomFilter(boolean v) { roomFilter = v; return this; }
        public Builder fault(FaultInjection v) { fault = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public BenchOptions build() {
            return new BenchOptions(this);
        }
    }
}
