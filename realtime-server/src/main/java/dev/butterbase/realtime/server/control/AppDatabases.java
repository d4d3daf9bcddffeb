package dev.butterbase.realtime.server.control;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGProperty;

/**
 * Connection pools to the apps' databases, one small pool per app, opened on first use and closed when the
 * app is deleted or the server stops. Safe to call from any thread.
 */
public final class AppDatabases implements AutoCloseable {

    private final PostgresUrl cluster;
    private final int maxPoolSize;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    /**
     * @param cluster     the server's own cluster (the control database's server), where apps without an
     *                    external database live
     * @param maxPoolSize connections per app
     */
    public AppDatabases(PostgresUrl cluster, int maxPoolSize) {
        this.cluster = cluster;
        this.maxPoolSize = maxPoolSize;
    }

    /** The address of an app's database. */
    public PostgresUrl urlOf(App app) {
        return app.ownsDatabase() ? cluster.withDatabase(app.databaseName()) : PostgresUrl.parse(app.externalDatabaseUrl());
    }

    public DataSource dataSource(App app) {
        return pools.computeIfAbsent(app.appId(), id -> open(id, urlOf(app)));
    }

    /** A new unpooled connection to the app database (for a change reader); the caller closes it. */
    public Connection plainConnection(App app) throws SQLException {
        return DriverManager.getConnection(urlOf(app).jdbcUrl(), properties(urlOf(app), false));
    }

    /** A new connection in logical replication mode ({@code replication=database}); the caller closes it. */
    public Connection replicationConnection(App app) throws SQLException {
        return DriverManager.getConnection(urlOf(app).jdbcUrl(), properties(urlOf(app), true));
    }

    private static Properties properties(PostgresUrl url, boolean replication) {
        Properties p = new Properties();
        if (url.user() != null) {
            PGProperty.USER.set(p, url.user());
        }
        if (url.password() != null) {
            PGProperty.PASSWORD.set(p, url.password());
        }
        PGProperty.APPLICATION_NAME.set(p, replication ? "butterbase-realtime-wal" : "butterbase-realtime-reader");
        PGProperty.TCP_KEEP_ALIVE.set(p, true);
        PGProperty.CONNECT_TIMEOUT.set(p, 5);
        if (replication) {
            PGProperty.REPLICATION.set(p, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        }
        return p;
    }

    /** Closes the app's pool, if open. */
    public void release(String appId) {
        HikariDataSource pool = pools.remove(appId);
        if (pool != null) {
            pool.close();
        }
    }

    /** Opens a pool to any address (the control database, or an app database being provisioned). */
    public static HikariDataSource open(String poolName, PostgresUrl url, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(0);
        config.setIdleTimeout(120_000);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "butterbase-realtime");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }

    private HikariDataSource open(String appId, PostgresUrl url) {
        return open("app-" + appId, url, maxPoolSize);
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
