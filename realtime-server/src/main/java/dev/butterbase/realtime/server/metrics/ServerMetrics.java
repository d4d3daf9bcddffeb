package dev.butterbase.realtime.server.metrics;

import dev.butterbase.realtime.engine.AppPipeline;
import dev.butterbase.realtime.engine.RealtimeEngine;
import dev.butterbase.realtime.server.websocket.ConnectionRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's Prometheus metrics ({@code GET /metrics}): connections, and per app whether its change reader is
 * connected, how many changes it dispatched, how many RLS queries it ran and how much WAL its slot holds back.
 * Per-app values are read from the engine at each scrape. Safe from any thread; never blocks.
 */
public final class ServerMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RealtimeEngine engine;
    private final MultiGauge readerConnected;
    private final MultiGauge dispatched;
    private final MultiGauge rlsQueries;
    private final MultiGauge slotLag;

    public ServerMetrics(RealtimeEngine engine, ConnectionRegistry connections) {
        this.engine = engine;
        registry.gauge("butterbase_realtime_connections", connections, ConnectionRegistry::total);
        readerConnected = MultiGauge.builder("butterbase_realtime_reader_connected")
                .description("1 when the app's change reader and dispatcher reach its database").register(registry);
        dispatched = MultiGauge.builder("butterbase_realtime_changes_dispatched")
                .description("changes numbered and dispatched since the server started").register(registry);
        rlsQueries = MultiGauge.builder("butterbase_realtime_rls_queries")
                .description("RLS visibility queries run since the server started").register(registry);
        slotLag = MultiGauge.builder("butterbase_realtime_replication_slot_lag_bytes")
                .description("WAL bytes held back by the app's replication slot (-1: no slot)").register(registry);
    }

    /** The Prometheus text exposition, with per-app values read now. */
    public String scrape() {
        List<MultiGauge.Row<?>> connected = new ArrayList<>();
        List<MultiGauge.Row<?>> changes = new ArrayList<>();
        List<MultiGauge.Row<?>> queries = new ArrayList<>();
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        for (AppPipeline p : engine.pipelines()) {
            Tags tags = Tags.of("app", p.appId());
            connected.add(MultiGauge.Row.of(tags, p.connected() ? 1 : 0));
            changes.add(MultiGauge.Row.of(tags, p.dispatchedChanges()));
            queries.add(MultiGauge.Row.of(tags, p.rlsQueries()));
            lag.add(MultiGauge.Row.of(tags, p.slotLagBytes()));
        }
        readerConnected.register(connected, true);
        dispatched.register(changes, true);
        rlsQueries.register(queries, true);
        slotLag.register(lag, true);
        return registry.scrape();
    }
}
