package dev.butterbase.realtime.bench.measure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Counts the work done in the app database between two samples, from PostgreSQL's own statistics.
 *
 * <p>Transactions: {@code xact_commit + xact_rollback} of the app database in {@code pg_stat_database}. Every RLS
 * check the server runs is one transaction (rolled back), every sequencing round one (committed), so the delta,
 * minus the writer's own transactions, divided by the changes, is "database queries per change". Backends
 * publish these counters at the end of a transaction at most once a second (and an idle backend up to 10 s
 * later), so the run samples after a settle pause; the error is a few transactions, not a proportion.
 *
 * <p>Statements: {@code sum(calls)} of {@code pg_stat_statements} for the app database, when the extension is
 * loaded in the cluster (the embedded one does not preload it); otherwise -1.
 */
public final class QueryCounter implements AutoCloseable {

    /** One reading; {@code statements} is -1 when pg_stat_statements is not available. */
    public record Sample(long transactions, long statements) {}

    private final Connection c;
    private boolean statements = true;

    private QueryCounter(Connection c) {
        this.c = c;
    }

    /** Opens a connection of its own to the app database. */
    public static QueryCounter open(String jdbcUrl, String user, String password) throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        try (Statement st = c.createStatement()) {
            st.execute("SET stats_fetch_consistency = 'none'");
        }
        return new QueryCounter(c);
    }

    public Sample sample() throws SQLException {
        long xacts;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
            xacts = rs.next() ? rs.getLong(1) : -1;
        }
        return new Sample(xacts, statements ? statements() : -1);
    }

    private long statements() {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                        + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            statements = false; // not installed in this database, or not preloaded
            return -1;
        }
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
