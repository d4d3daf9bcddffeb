package dev.butterbase.realtime.server.control;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app registry: every app's metadata, held in memory (so the WebSocket handshake can look an app up
 * without blocking) and written through to the control database. Mutations block; lookups never do.
 */
public final class AppService {

    private static final Logger log = LoggerFactory.getLogger(AppService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** Told about app changes, so the engine can start, reconfigure or stop an app's pipeline. */
    public interface Listener {
        default void appUpdated(App app) {}

        default void appDeleted(App app) {}

        /** Tables, columns or policies of the app's database may have changed: drop cached metadata. */
        default void schemaChanged(App app) {}
    }

    private final ControlStore store;
    private final AppProvisioner provisioner;
    private final AppDatabases databases;
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final Map<String, App> appsByServiceKey = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public AppService(ControlStore store, AppProvisioner provisioner, AppDatabases databases) {
        this.store = store;
        this.provisioner = provisioner;
        this.databases = databases;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Loads every app from the control database. */
    public void load() throws SQLException {
        for (App app : store.loadApps()) {
            remember(app);
        }
    }

    /** Non-blocking. */
    public Optional<App> find(String appId) {
        return appId == null ? Optional.empty() : Optional.ofNullable(apps.get(appId));
    }

    /** Non-blocking: the app whose service key this is. */
    public Optional<App> findByServiceKey(String serviceKey) {
        return Optional.ofNullable(appsByServiceKey.get(serviceKey));
    }

    public Collection<App> all() {
        List<App> list = new ArrayList<>(apps.values());
        list.sort((a, b) -> a.createdAt().compareTo(b.createdAt()));
        return list;
    }

    public AppDatabases databases() {
        return databases;
    }

    /**
     * Creates an app and its database (or bootstraps the given external one). On any failure nothing is
     * left behind: a database it created is dropped, no control row remains.
     */
    public App create(String name, AccessMode accessMode, Plan plan, String externalDatabaseUrl, String jwksUrl)
            throws SQLException {
        String appId = "app_" + randomId(12);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        App app = new App(appId, name == null ? appId : name, accessMode, plan, randomSecret(32),
                "sk_" + randomSecret(32), externalDatabaseUrl, externalDatabaseUrl == null ? appId : null, jwksUrl,
                now, now);
        boolean createdDatabase = false;
        try {
            if (app.ownsDatabase()) {
                provisioner.createDatabase(app.databaseName());
                createdDatabase = true;
            }
            try (Connection c = databases.plainConnection(app)) {
                AppProvisioner.bootstrap(c);
            }
            store.insertApp(app);
        } catch (SQLException | RuntimeException e) {
            if (createdDatabase) {
                dropQuietly(app);
            }
            throw e;
        }
        remember(app);
        log.info("created {} ({} database)", app, app.ownsDatabase() ? "embedded-cluster" : "external");
        return app;
    }

    public App update(App updated) throws SQLException {
        store.updateApp(updated);
        remember(updated);
        listeners.forEach(l -> l.appUpdated(updated));
        return updated;
    }

    public void schemaChanged(App app) {
        listeners.forEach(l -> l.schemaChanged(app));
    }

    /** Deletes the app: its pipeline stops, its pool closes, a database it owns is dropped. */
    public void delete(App app) throws SQLException {
        store.deleteApp(app.appId());
        apps.remove(app.appId());
        appsByServiceKey.remove(app.serviceKey());
        listeners.forEach(l -> l.appDeleted(app));
        databases.release(app.appId());
        if (app.ownsDatabase()) {
            provisioner.dropDatabase(app.databaseName());
        }
        log.info("deleted {}", app);
    }

    private void dropQuietly(App app) {
        try {
            databases.release(app.appId());
            provisioner.dropDatabase(app.databaseName());
        } catch (SQLException e) {
            log.warn("could not drop the database of the failed app {}: {}", app, e.getMessage());
        }
    }

    private void remember(App app) {
        apps.put(app.appId(), app);
        appsByServiceKey.put(app.serviceKey(), app);
    }

    static String randomId(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return new String(out);
    }

    /** URL-safe random secret of {@code bytes} bytes of entropy. */
    public static String randomSecret(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
