package dev.butterbase.realtime.engine;

import dev.butterbase.realtime.engine.capture.CaptureSchema;
import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.capture.ConnectionFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The engine: one {@link AppPipeline} per app with realtime tables. Embeddable; it knows nothing of HTTP.
 * Safe to use from any thread.
 */
public final class RealtimeEngine implements AutoCloseable {

    /** How the engine reaches one app's database. */
    public interface AppConnections {
        DataSource pool();

        ConnectionFactory plain();

        ConnectionFactory replication();
    }

    private final EngineSettings settings;
    private final Map<String, AppPipeline> pipelines = new ConcurrentHashMap<>();

    public RealtimeEngine(EngineSettings settings) {
        this.settings = settings;
    }

    /**
     * The reader an app database gets: the configured one, except that WAL falls back to LISTEN/NOTIFY where
     * {@code wal_level} is not {@code logical} or the role may not replicate.
     */
    public static ChangeReader.Kind chooseReader(Connection c, EngineSettings settings) throws SQLException {
        if (settings.reader() == ChangeReader.Kind.NOTIFY) {
            return ChangeReader.Kind.NOTIFY;
        }
        return CaptureSchema.walAvailable(c) ? ChangeReader.Kind.WAL : ChangeReader.Kind.NOTIFY;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** The app's pipeline, started on first call. */
    public AppPipeline start(String appId, AppConnections connections) {
        return pipelines.computeIfAbsent(appId, id -> {
            AppPipeline p = new AppPipeline(id, connections.pool(), connections.plain(), connections.replication(), settings);
            p.start();
            return p;
        });
    }

    /** The running pipelines. */
    public java.util.Collection<AppPipeline> pipelines() {
        return java.util.List.copyOf(pipelines.values());
    }

    public Optional<AppPipeline> pipeline(String appId) {
        return Optional.ofNullable(pipelines.get(appId));
    }

    /** Stops and forgets the app's pipeline (the app was deleted). */
    public void stop(String appId) {
        AppPipeline p = pipelines.remove(appId);
        if (p != null) {
            p.close();
        }
    }

    @Override
    public void close() {
        pipelines.values().forEach(AppPipeline::close);
        pipelines.clear();
    }
}
