package dev.butterbase.realtime.engine.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads table metadata of schema {@code public} from the Postgres catalog. Every value is bound; nothing is
 * concatenated. Stateless: safe to call from any thread with a connection the caller owns.
 */
public final class TableCatalog {

    /** A column of a table. */
    public record Column(String name, String type, boolean nullable) {}

    /** A table with its columns, primary key and whether RLS is enabled. */
    public record Table(String name, List<Column> columns, List<String> primaryKey, boolean rlsEnabled) {}

    private TableCatalog() {}

    /** The ordinary or partitioned table of schema public with exactly this name, if any. */
    public static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
                + "WHERE n.nspname = 'public' AND k.relname = ? AND k.relkind IN ('r', 'p')")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Primary key columns in key order; empty when the table has none. */
    public static List<String> primaryKey(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i "
                + "JOIN pg_class k ON k.oid = i.indrelid JOIN pg_namespace n ON n.oid = k.relnamespace "
                + "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS key(attnum, ord) "
                + "JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum = key.attnum "
                + "WHERE i.indisprimary AND n.nspname = 'public' AND k.relname = ? ORDER BY key.ord")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    public static List<Column> columns(Connection c, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                + "NOT a.attnotnull FROM pg_attribute a JOIN pg_class k ON k.oid = a.attrelid "
                + "JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = 'public' AND k.relname = ? "
                + "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return columns;
    }

    /** Every ordinary or partitioned table of schema public, by name. */
    public static List<Table> tables(Connection c) throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.relname, k.relrowsecurity FROM pg_class k "
                + "JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = 'public' "
                + "AND k.relkind IN ('r', 'p') ORDER BY k.relname");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(new String[] {rs.getString(1), Boolean.toString(rs.getBoolean(2))});
            }
        }
        List<Table> tables = new ArrayList<>();
        for (String[] n : names) {
            tables.add(new Table(n[0], columns(c, n[0]), primaryKey(c, n[0]), Boolean.parseBoolean(n[1])));
        }
        return tables;
    }
}
