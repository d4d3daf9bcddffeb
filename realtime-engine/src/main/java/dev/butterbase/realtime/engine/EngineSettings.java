package dev.butterbase.realtime.engine;

import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.rls.RlsMode;
import java.time.Duration;

/**
 * Tunables of the engine, checked at construction.
 *
 * @param changeRetention how long numbered changes stay in {@code realtime.changes} for resuming clients
 * @param safetyPollInterval how often the dispatcher looks for changes without a signal (covers a lost signal)
 * @param batchSize       changes numbered and dispatched per round
 * @param pruneInterval   how often old changes are deleted
 * @param policyCacheTtl  how long table policies and keys are cached
 * @param reader          the change reader to use, or null to choose: WAL where {@code wal_level=logical} and the
 *                        role may replicate, else LISTEN/NOTIFY
 * @param rlsMode         the engine's RLS evaluation, or the spec's literal per-client check (benchmarks only)
 * @param slotLagWarnBytes WAL held back by an app's replication slot beyond which a warning is logged
 */
public record EngineSettings(Duration changeRetention, Duration safetyPollInterval, int batchSize, Duration pruneInterval,
        Duration policyCacheTtl, ChangeReader.Kind reader, RlsMode rlsMode, long slotLagWarnBytes) {

    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofMinutes(10), Duration.ofSeconds(2), 1000,
            Duration.ofSeconds(30), Duration.ofSeconds(60), null, RlsMode.ENGINE, 1024L * 1024 * 1024);

    public EngineSettings {
        if (changeRetention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("changeRetention must be at least 1 s");
        }
        if (safetyPollInterval.isNegative() || safetyPollInterval.isZero()) {
            throw new IllegalArgumentException("safetyPollInterval must be positive");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 100000");
        }
        if (pruneInterval.isNegative() || pruneInterval.isZero()) {
            throw new IllegalArgumentException("pruneInterval must be positive");
        }
        java.util.Objects.requireNonNull(rlsMode, "rlsMode");
    }

    public EngineSettings withChangeRetention(Duration retention) {
        return new EngineSettings(retention, safetyPollInterval, batchSize, pruneInterval, policyCacheTtl, reader, rlsMode, slotLagWarnBytes);
    }

    public EngineSettings withReader(ChangeReader.Kind kind) {
        return new EngineSettings(changeRetention, safetyPollInterval, batchSize, pruneInterval, policyCacheTtl, kind, rlsMode, slotLagWarnBytes);
    }

    public EngineSettings withRlsMode(RlsMode mode) {
        return new EngineSettings(changeRetention, safetyPollInterval, batchSize, pruneInterval, policyCacheTtl, reader, mode, slotLagWarnBytes);
    }
}
