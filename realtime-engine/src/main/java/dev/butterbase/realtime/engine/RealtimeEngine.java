package dev.butterbase.realtime.engine;

import dev.butterbase.realtime.engine.capture.ConnectionFactory;
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

    /** The app's pipeline, started on first call. */
    public AppPipeline start(String appId, AppConnections connections) {
        return pipelines.computeIfAbsent(appId, id -> {
            AppPipeline p = new AppPipeline(id, connections.pool(), connections.plain(), connections.replication(), settings);
            p.start();
            return p;
        });
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
