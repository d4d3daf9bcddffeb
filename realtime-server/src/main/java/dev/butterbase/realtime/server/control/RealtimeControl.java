package dev.butterbase.realtime.server.control;

import dev.butterbase.realtime.engine.AppPipeline;
import dev.butterbase.realtime.engine.RealtimeEngine;
import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.capture.ConnectionFactory;
import dev.butterbase.realtime.engine.capture.WalChangeReaderSlots;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the control plane to the engine: which tables of which app are enabled for realtime (held in memory
 * for the WebSocket layer, persisted in the control database), and each such app's running pipeline.
 */
public final class RealtimeControl implements AppService.Listener {

    private static final Logger log = LoggerFactory.getLogger(RealtimeControl.class);

    private final AppService apps;
    private final ControlStore store;
    private final RealtimeEngine engine;
    private final Map<String, Set<String>> enabledTables = new ConcurrentHashMap<>();

    public RealtimeControl(AppService apps, ControlStore store, RealtimeEngine engine) {
        this.apps = apps;
        this.store = store;
        this.engine = engine;
        apps.addListener(this);
    }

    /** Loads every app's enabled tables and starts the pipelines of apps that have some. */
    public void load() throws SQLException {
        for (App app : apps.all()) {
            Set<String> tables = new TreeSet<>();
            store.realtimeTables(app.appId()).forEach(t -> tables.add(t.tableName()));
            if (!tables.isEmpty()) {
                enabledTables.put(app.appId(), Set.copyOf(tables));
                startPipeline(app);
            }
        }
    }

    /** Non-blocking: is this table enabled for realtime in this app? */
    public boolean isEnabled(String appId, String table) {
        Set<String> tables = enabledTables.get(appId);
        return tables != null && tables.contains(table);
    }

    public Set<String> enabledTables(String appId) {
        return enabledTables.getOrDefault(appId, Set.of());
    }

    /** Records newly enabled tables and makes sure the app's pipeline runs. */
    public void tablesEnabled(App app, Set<String> tables) {
        enabledTables.compute(app.appId(), (id, old) -> {
            Set<String> merged = new TreeSet<>(old == null ? Set.of() : old);
            merged.addAll(tables);
            return Set.copyOf(merged);
        });
        startPipeline(app).invalidatePolicies();
    }

    public void tablesDisabled(App app, Set<String> tables) {
        enabledTables.computeIfPresent(app.appId(), (id, old) -> {
            Set<String> rest = new TreeSet<>(old);
            rest.removeAll(tables);
            return rest.isEmpty() ? null : Set.copyOf(rest);
        });
    }

    public Optional<AppPipeline> pipeline(String appId) {
        return engine.pipeline(appId);
    }

    /** The app's pipeline, started if needed. */
    public AppPipeline startPipeline(App app) {
        AppDatabases databases = apps.databases();
        ConnectionFactory plain = () -> databases.plainConnection(currentOf(app));
        ConnectionFactory replication = () -> databases.replicationConnection(currentOf(app));
        AppPipeline pipeline = engine.start(app.appId(), new RealtimeEngine.AppConnections() {
            @Override
            public DataSource pool() {
                return databases.dataSource(app);
            }

            @Override
            public ConnectionFactory plain() {
                return plain;
            }

            @Override
            public ConnectionFactory replication() {
                return replication;
            }
        });
        applyRetention(pipeline, currentOf(app));
        return pipeline;
    }

    private static void applyRetention(AppPipeline pipeline, App app) {
        pipeline.setRetention(java.time.Duration.ofSeconds(app.plan().changeRetentionSeconds()),
                app.plan().changeRetentionMaxChanges());
    }

    @Override
    public void appUpdated(App app) {
        engine.pipeline(app.appId()).ifPresent(p -> applyRetention(p, app));
    }

    private App currentOf(App app) {
        return apps.find(app.appId()).orElse(app);
    }

    @Override
    public void schemaChanged(App app) {
        engine.pipeline(app.appId()).ifPresent(AppPipeline::invalidatePolicies);
    }

    @Override
    public void appDeleted(App app) {
        enabledTables.remove(app.appId());
        engine.stop(app.appId());
        try (Connection c = apps.databases().dataSource(app).getConnection()) {
            WalChangeReaderSlots.drop(c, app.appId());
        } catch (SQLException e) {
            log.warn("could not drop the replication slot of {}: {}", app, e.getMessage());
        }
    }

    /** The change reader this app database gets (decides whether the capture trigger NOTIFYs). */
    public ChangeReader.Kind readerFor(Connection c) throws SQLException {
        return RealtimeEngine.chooseReader(c, engine.settings());
    }
}
