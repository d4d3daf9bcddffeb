package dev.butterbase.realtime.server.testing;

import dev.butterbase.realtime.server.control.PostgresUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDBC into a server's cluster, beside the tool API: tests use it to check effects the API does not show
 * (databases, roles, grants) and to prove the API did not do what it must not.
 */
public final class DirectSql {

    private DirectSql() {}

    /** A connection to {@code database} on the shared server's cluster. */
    public static Connection connect(String database) throws SQLException {
        return connect(SharedServer.get().controlUrl().withDatabase(database));
    }

    public static Connection connect(PostgresUrl url) throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    /** Whether the shared server's cluster has a database of this name (asked through its control database). */
    public static boolean databaseExists(String name) throws SQLException {
        try (Connection c = connect(SharedServer.get().controlUrl())) {
            return !strings(c, "SELECT datname FROM pg_database WHERE datname = ?", name).isEmpty();
        }
    }

    /** The first column of every row, as text; parameters are bound as strings. */
    public static List<String> strings(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** The single value of a one-row, one-column query, as text (null stays null). */
    public static String value(Connection c, String sql, String... params) throws SQLException {
        List<String> values = strings(c, sql, params);
        if (values.size() != 1) {
            throw new AssertionError("expected one row from " + sql + ", got " + values);
        }
        return values.get(0);
    }
}
