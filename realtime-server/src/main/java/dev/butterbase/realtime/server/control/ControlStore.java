package dev.butterbase.realtime.server.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The control database: app metadata, realtime table configuration and functions. Every method blocks on JDBC.
 * Safe to call from any thread.
 */
public final class ControlStore {

    private static final String[] MIGRATIONS = {
        """
        CREATE SCHEMA IF NOT EXISTS butterbase;
        CREATE TABLE IF NOT EXISTS butterbase.schema_version (version int PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS butterbase.apps (
            app_id                 text PRIMARY KEY,
            name                   text NOT NULL,
            access_mode            text NOT NULL,
            realtime_enabled       boolean NOT NULL,
            max_realtime_listeners int NOT NULL,
            jwt_secret             text NOT NULL,
            service_key            text NOT NULL UNIQUE,
            database_url           text,
            database_name          text,
            jwks_url               text,
            created_at             timestamptz NOT NULL,
            updated_at             timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS butterbase.realtime_tables (
            app_id     text NOT NULL REFERENCES butterbase.apps ON DELETE CASCADE,
            table_name text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (app_id, table_name)
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS butterbase.functions (
            app_id       text NOT NULL REFERENCES butterbase.apps ON DELETE CASCADE,
            name         text NOT NULL,
            url          text NOT NULL,
            trigger_type text NOT NULL,
            event        text NOT NULL,
            timeout_ms   int NOT NULL,
            secret       text NOT NULL,
            created_at   timestamptz NOT NULL,
            updated_at   timestamptz NOT NULL,
            PRIMARY KEY (app_id, name)
        );
        """,
        """
        ALTER TABLE butterbase.apps ADD COLUMN IF NOT EXISTS change_retention_seconds int NOT NULL DEFAULT 600;
        ALTER TABLE butterbase.apps ADD COLUMN IF NOT EXISTS change_retention_max_changes bigint NOT NULL DEFAULT 0;
        """,
    };

    private static final String APP_COLUMNS = "app_id, name, access_mode, realtime_enabled, max_realtime_listeners, "
            + "change_retention_seconds, change_retention_max_changes, "
            + "jwt_secret, service_key, database_url, database_name, jwks_url, created_at, updated_at";

    private final DataSource dataSource;

    public ControlStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates or upgrades the control schema. Serialised across servers by an advisory lock. */
    public void migrate() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7406231)");
                st.execute("CREATE SCHEMA IF NOT EXISTS butterbase");
                st.execute("CREATE TABLE IF NOT EXISTS butterbase.schema_version (version int PRIMARY KEY)");
                int current = 0;
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM butterbase.schema_version")) {
                    rs.next();
                    current = rs.getInt(1);
                }
                for (int v = current; v < MIGRATIONS.length; v++) {
                    st.execute(MIGRATIONS[v]);
                    st.execute("INSERT INTO butterbase.schema_version VALUES (" + (v + 1) + ")");
                }
            }
            c.commit();
        }
    }

    public List<App> loadApps() throws SQLException {
        List<App> apps = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + APP_COLUMNS + " FROM butterbase.apps ORDER BY created_at");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                apps.add(readApp(rs));
            }
        }
        return apps;
    }

    public void insertApp(App app) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO butterbase.apps (" + APP_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, app.appId());
            ps.setString(2, app.name());
            ps.setString(3, app.accessMode().wireName());
            ps.setBoolean(4, app.plan().realtimeEnabled());
            ps.setInt(5, app.plan().maxRealtimeListeners());
            ps.setInt(6, app.plan().changeRetentionSeconds());
            ps.setLong(7, app.plan().changeRetentionMaxChanges());
            ps.setString(8, app.jwtSecret());
            ps.setString(9, app.serviceKey());
            ps.setString(10, app.externalDatabaseUrl());
            ps.setString(11, app.databaseName());
            ps.setString(12, app.jwksUrl());
            ps.setTimestamp(13, Timestamp.from(app.createdAt()));
            ps.setTimestamp(14, Timestamp.from(app.updatedAt()));
            ps.executeUpdate();
        }
    }

    public void updateApp(App app) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE butterbase.apps SET name = ?, access_mode = ?, "
                        + "realtime_enabled = ?, max_realtime_listeners = ?, change_retention_seconds = ?, "
                        + "change_retention_max_changes = ?, jwks_url = ?, updated_at = ? WHERE app_id = ?")) {
            ps.setString(1, app.name());
            ps.setString(2, app.accessMode().wireName());
            ps.setBoolean(3, app.plan().realtimeEnabled());
            ps.setInt(4, app.plan().maxRealtimeListeners());
            ps.setInt(5, app.plan().changeRetentionSeconds());
            ps.setLong(6, app.plan().changeRetentionMaxChanges());
            ps.setString(7, app.jwksUrl());
            ps.setTimestamp(8, Timestamp.from(app.updatedAt()));
            ps.setString(9, app.appId());
            ps.executeUpdate();
        }
    }

    public void deleteApp(String appId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM butterbase.apps WHERE app_id = ?")) {
            ps.setString(1, appId);
            ps.executeUpdate();
        }
    }

    /** A realtime table's control-plane record. */
    public record RealtimeTable(String tableName, Instant createdAt, Instant updatedAt) {}

    public List<RealtimeTable> realtimeTables(String appId) throws SQLException {
        List<RealtimeTable> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT table_name, created_at, updated_at "
                        + "FROM butterbase.realtime_tables WHERE app_id = ? ORDER BY table_name")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new RealtimeTable(rs.getString(1), rs.getTimestamp(2).toInstant(),
                            rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return tables;
    }

    /** Inserts the table or, when present, bumps its {@code updated_at}. */
    public void upsertRealtimeTable(String appId, String table, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO butterbase.realtime_tables "
                        + "(app_id, table_name, created_at, updated_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (app_id, table_name) DO UPDATE SET updated_at = excluded.updated_at")) {
            ps.setString(1, appId);
            ps.setString(2, table);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    public void deleteRealtimeTable(String appId, String table) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM butterbase.realtime_tables WHERE app_id = ? AND table_name = ?")) {
            ps.setString(1, appId);
            ps.setString(2, table);
            ps.executeUpdate();
        }
    }

    /** A function's control-plane record; {@code secret} signs its calls and is never logged. */
    public record FunctionRow(String appId, String name, String url, String triggerType, String event, int timeoutMs,
            String secret, Instant createdAt, Instant updatedAt) {
        @Override
        public String toString() {
            return "FunctionRow[" + appId + "/" + name + "]";
        }
    }

    private static final String FUNCTION_COLUMNS =
            "app_id, name, url, trigger_type, event, timeout_ms, secret, created_at, updated_at";

    /** Every function of every app, for the in-memory index built at start. */
    public List<FunctionRow> loadFunctions() throws SQLException {
        List<FunctionRow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + FUNCTION_COLUMNS
                        + " FROM butterbase.functions ORDER BY app_id, name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new FunctionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), rs.getTimestamp(8).toInstant(),
                        rs.getTimestamp(9).toInstant()));
            }
        }
        return out;
    }

    /** @throws SQLException with SQLState 23505 when the app already has a function of that name */
    public void insertFunction(FunctionRow f) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO butterbase.functions (" + FUNCTION_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, f.appId());
            ps.setString(2, f.name());
            ps.setString(3, f.url());
            ps.setString(4, f.triggerType());
            ps.setString(5, f.event());
            ps.setInt(6, f.timeoutMs());
            ps.setString(7, f.secret());
            ps.setTimestamp(8, Timestamp.from(f.createdAt()));
            ps.setTimestamp(9, Timestamp.from(f.updatedAt()));
            ps.executeUpdate();
        }
    }

    /** @return whether the function existed */
    public boolean deleteFunction(String appId, String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM butterbase.functions WHERE app_id = ? AND name = ?")) {
            ps.setString(1, appId);
            ps.setString(2, name);
            return ps.executeUpdate() > 0;
        }
    }

    /** True when the control database answers a trivial query. */
    public boolean ping() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static App readApp(ResultSet rs) throws SQLException {
        return new App(
                rs.getString("app_id"),
                rs.getString("name"),
                AccessMode.fromWire(rs.getString("access_mode")),
                new Plan(rs.getBoolean("realtime_enabled"), rs.getInt("max_realtime_listeners"),
                        rs.getInt("change_retention_seconds"), rs.getLong("change_retention_max_changes")),
                rs.getString("jwt_secret"),
                rs.getString("service_key"),
                rs.getString("database_url"),
                rs.getString("database_name"),
                rs.getString("jwks_url"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
