package dev.butterbase.realtime.server;

import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.rls.RlsMode;
import dev.butterbase.realtime.server.control.PostgresUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable server configuration, checked at construction. Built from flags and environment in {@code main}
 * only; everything below receives this object.
 */
public final class ServerConfig {

    private final String host;
    private final int port;
    private final Path dataDir;
    private final PostgresUrl databaseUrl;
    private final String adminKey;
    private final Duration heartbeatInterval;
    private final Duration changeRetention;
    private final int blockingThreads;
    private final ChangeReader.Kind changeReader;
    private final RlsMode rlsMode;
    private final Duration presenceCoalesceInterval;
    private final int presenceMaxMetadataBytes;
    private final double eventRatePerSecond;
    private final int eventBurst;
    private final int eventsInFlightPerConnection;
    private final Duration functionTimeout;

    private ServerConfig(Builder b) {
        this.host = Objects.requireNonNull(b.host, "host");
        if (b.port < 0 || b.port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + b.port);
        }
        this.port = b.port;
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
        this.databaseUrl = b.databaseUrl;
        this.adminKey = Objects.requireNonNull(b.adminKey, "adminKey");
        if (b.heartbeatInterval.isNegative() || b.heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive");
        }
        this.heartbeatInterval = b.heartbeatInterval;
        if (b.changeRetention.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("change retention must be at least 10 seconds");
        }
        this.changeRetention = b.changeRetention;
        if (b.blockingThreads < 1) {
            throw new IllegalArgumentException("blockingThreads must be positive");
        }
        this.blockingThreads = b.blockingThreads;
        this.changeReader = b.changeReader;
        this.rlsMode = Objects.requireNonNull(b.rlsMode, "rlsMode");
        if (b.presenceCoalesceInterval.compareTo(Duration.ofMillis(1)) < 0
                || b.presenceCoalesceInterval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("presence coalesce interval must be between 1 ms and 10 s");
        }
        this.presenceCoalesceInterval = b.presenceCoalesceInterval;
        if (b.presenceMaxMetadataBytes < 2 || b.presenceMaxMetadataBytes > 64 * 1024) {
            throw new IllegalArgumentException("presence max metadata bytes must be between 2 and 65536");
        }
        this.presenceMaxMetadataBytes = b.presenceMaxMetadataBytes;
        if (!(b.eventRatePerSecond > 0) || b.eventBurst < 1) {
            throw new IllegalArgumentException("event rate must be positive and event burst at least 1");
        }
        this.eventRatePerSecond = b.eventRatePerSecond;
        this.eventBurst = b.eventBurst;
        if (b.eventsInFlightPerConnection < 1) {
            throw new IllegalArgumentException("events in flight per connection must be positive");
        }
        this.eventsInFlightPerConnection = b.eventsInFlightPerConnection;
        if (b.functionTimeout.compareTo(Duration.ofMillis(1)) < 0 || b.functionTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("function timeout must be between 1 ms and 60 s");
        }
        this.functionTimeout = b.functionTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.dataDir = dataDir;
        b.databaseUrl = databaseUrl;
        b.adminKey = adminKey;
        b.heartbeatInterval = heartbeatInterval;
        b.changeRetention = changeRetention;
        b.blockingThreads = blockingThreads;
        b.changeReader = changeReader;
        b.rlsMode = rlsMode;
        b.presenceCoalesceInterval = presenceCoalesceInterval;
        b.presenceMaxMetadataBytes = presenceMaxMetadataBytes;
        b.eventRatePerSecond = eventRatePerSecond;
        b.eventBurst = eventBurst;
        b.eventsInFlightPerConnection = eventsInFlightPerConnection;
        b.functionTimeout = functionTimeout;
        return b;
    }

    public String host() {
        return host;
    }

    /** 0 binds an ephemeral port. */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The control database on an existing PostgreSQL, or null for the embedded cluster in {@link #dataDir()}. */
    public PostgresUrl databaseUrl() {
        return databaseUrl;
    }

    public String adminKey() {
        return adminKey;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long captured changes are kept in {@code realtime.changes} (for resume), for apps created without a plan value. */
    public Duration changeRetention() {
        return changeRetention;
    }

    public int blockingThreads() {
        return blockingThreads;
    }

    /** The change reader to use; null chooses WAL where available, else LISTEN/NOTIFY. */
    public ChangeReader.Kind changeReader() {
        return changeReader;
    }

    /** ENGINE (the default), or NAIVE: the spec's literal per-client, per-change check, for benchmarks only. */
    public RlsMode rlsMode() {
        return rlsMode;
    }

    /** Least time between two presence messages of one channel to one client (coalescing). */
    public Duration presenceCoalesceInterval() {
        return presenceCoalesceInterval;
    }

    /** Largest presence metadata accepted, in bytes of compact JSON. */
    public int presenceMaxMetadataBytes() {
        return presenceMaxMetadataBytes;
    }

    /** Sustained {@code event} messages per second one connection may send (token bucket refill rate). */
    public double eventRatePerSecond() {
        return eventRatePerSecond;
    }

    /** {@code event} messages one connection may send in a burst (token bucket size). */
    public int eventBurst() {
        return eventBurst;
    }

    /** Function calls one connection may have waiting for an answer at once. */
    public int eventsInFlightPerConnection() {
        return eventsInFlightPerConnection;
    }

    /** The timeout of a function created without {@code timeout_ms}. */
    public Duration functionTimeout() {
        return functionTimeout;
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", database="
                + (databaseUrl == null ? "embedded" : databaseUrl) + ", heartbeat=" + heartbeatInterval
                + ", retention=" + changeRetention + "]";
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private Path dataDir = Path.of(".butterbase");
        private PostgresUrl databaseUrl;
        private String adminKey;
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration changeRetention = Duration.ofMinutes(10);
        private int blockingThreads = 16;
        private ChangeReader.Kind changeReader;
        private RlsMode rlsMode = RlsMode.ENGINE;
        private Duration presenceCoalesceInterval = Duration.ofMillis(50);
        private int presenceMaxMetadataBytes = 4 * 1024;
        private double eventRatePerSecond = 20;
        private int eventBurst = 40;
        private int eventsInFlightPerConnection = 8;
        private Duration functionTimeout = Duration.ofSeconds(5);

        private Builder() {}

        /** null (the default) picks WAL where available; NOTIFY forces LISTEN/NOTIFY. */
        public Builder changeReader(ChangeReader.Kind changeReader) {
            this.changeReader = changeReader;
            return this;
        }

        public Builder rlsMode(RlsMode rlsMode) {
            this.rlsMode = rlsMode;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder databaseUrl(PostgresUrl databaseUrl) {
            this.databaseUrl = databaseUrl;
            return this;
        }

        public Builder adminKey(String adminKey) {
            this.adminKey = adminKey;
            return this;
        }

        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        public Builder changeRetention(Duration changeRetention) {
            this.changeRetention = changeRetention;
            return this;
        }

        public Builder blockingThreads(int blockingThreads) {
            this.blockingThreads = blockingThreads;
            return this;
        }

        public Builder presenceCoalesceInterval(Duration interval) {
            this.presenceCoalesceInterval = interval;
            return this;
        }

        public Builder presenceMaxMetadataBytes(int bytes) {
            this.presenceMaxMetadataBytes = bytes;
            return this;
        }

        /** Per connection: {@code perSecond} sustained, {@code burst} at once. */
        public Builder eventRateLimit(double perSecond, int burst) {
            this.eventRatePerSecond = perSecond;
            this.eventBurst = burst;
            return this;
        }

        public Builder eventsInFlightPerConnection(int calls) {
            this.eventsInFlightPerConnection = calls;
            return this;
        }

        public Builder functionTimeout(Duration timeout) {
            this.functionTimeout = timeout;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
