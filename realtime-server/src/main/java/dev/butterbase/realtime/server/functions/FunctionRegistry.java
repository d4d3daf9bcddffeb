package dev.butterbase.realtime.server.functions;

import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.control.AppService;
import dev.butterbase.realtime.server.control.ControlStore;
import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every app's functions: persisted in the control database and indexed in memory by app and event, so the
 * WebSocket path looks them up without blocking. Mutations block on JDBC (tool calls, on the blocking
 * executor); lookups never do. Safe to call from any thread.
 */
public final class FunctionRegistry implements AppService.Listener {

    public static final int MAX_TIMEOUT_MS = 60_000;

    /** One app's functions, immutable: replaced as a whole on every change. */
    private record AppFunctions(Map<String, AppFunction> byName, Map<String, List<AppFunction>> byEvent) {
        static final AppFunctions EMPTY = new AppFunctions(Map.of(), Map.of());

        AppFunctions with(AppFunction f) {
            Map<String, AppFunction> names = new TreeMap<>(byName);
            names.put(f.name(), f);
            return of(names);
        }

        AppFunctions without(String name) {
            Map<String, AppFunction> names = new TreeMap<>(byName);
            names.remove(name);
            return of(names);
        }

        /** @param names sorted by name, so each event's functions are too */
        private static AppFunctions of(Map<String, AppFunction> names) {
            Map<String, List<AppFunction>> events = new TreeMap<>();
            for (AppFunction f : names.values()) {
                events.computeIfAbsent(f.event(), e -> new ArrayList<>()).add(f);
            }
            events.replaceAll((e, list) -> List.copyOf(list));
            return new AppFunctions(Collections.unmodifiableMap(names), Collections.unmodifiableMap(events));
        }
    }

    private final ControlStore store;
    private final Map<String, AppFunctions> byApp = new ConcurrentHashMap<>();

    /** Registers itself with {@code apps} to forget the functions of deleted apps. */
    public FunctionRegistry(ControlStore store, AppService apps) {
        this.store = store;
        apps.addListener(this);
    }

    /** Loads every function from the control database. */
    public void load() throws SQLException {
        for (ControlStore.FunctionRow row : store.loadFunctions()) {
            AppFunction f = AppFunction.of(row);
            byApp.merge(f.appId(), AppFunctions.EMPTY.with(f), (old, add) -> old.with(f));
        }
    }

    /**
     * Creates a function with a fresh secret. Blocks.
     *
     * @throws SQLException with SQLState 23505 when the app already has a function of that name
     */
    public AppFunction create(String appId, String name, URI url, String event, int timeoutMs) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String secret = "whsec_" + AppService.randomSecret(32);
        ControlStore.FunctionRow row = new ControlStore.FunctionRow(appId, name, url.toString(), AppFunction.WEBSOCKET_TRIGGER,
                event, timeoutMs, secret, now, now);
        store.insertFunction(row);
        AppFunction f = AppFunction.of(row);
        byApp.compute(appId, (id, fns) -> (fns == null ? AppFunctions.EMPTY : fns).with(f));
        return f;
    }

    /** Deletes a function. Blocks. @return whether it existed */
    public boolean delete(String appId, String name) throws SQLException {
        boolean existed = store.deleteFunction(appId, name);
        byApp.computeIfPresent(appId, (id, fns) -> {
            AppFunctions rest = fns.without(name);
            return rest.byName().isEmpty() ? null : rest;
        });
        return existed;
    }

    /** Non-blocking. */
    public Optional<AppFunction> find(String appId, String name) {
        return Optional.ofNullable(byApp.getOrDefault(appId, AppFunctions.EMPTY).byName().get(name));
    }

    /** Non-blocking: the app's functions, by name. */
    public List<AppFunction> list(String appId) {
        return List.copyOf(byApp.getOrDefault(appId, AppFunctions.EMPTY).byName().values());
    }

    /** Non-blocking: the functions whose trigger names this event, by name; empty when none. */
    public List<AppFunction> forEvent(String appId, String event) {
        return byApp.getOrDefault(appId, AppFunctions.EMPTY).byEvent().getOrDefault(event, List.of());
    }

    @Override
    public void appDeleted(App app) {
        byApp.remove(app.appId()); // the rows went with the app (ON DELETE CASCADE)
    }
}
