package dev.butterbase.realtime.engine.capture;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns committed rows of {@code realtime.changes} into an ordered stream.
 *
 * <p>Capture ids come from a sequence taken before commit, so "{@code id > last seen}" would skip a
 * transaction that commits after a later-numbered one. Instead every row starts with {@code seq} NULL; each
 * {@link #next} takes all rows now visible with NULL {@code seq} (only committed rows are visible), numbers them
 * from the {@code realtime.sequencer} counter and commits. A row is therefore numbered exactly once, after its
 * commit, in the order its commit became visible; nothing is skipped, however long another transaction stays
 * open. Within one batch rows are numbered by capture id, which orders the changes of any one row correctly:
 * a second writer of a row fires its trigger only after the first writer's commit.
 *
 * <p>The {@code seq} is durable, so a restarted server continues where it stopped. The counter row is locked
 * by {@code next}, so two servers never number the same row.
 */
public final class ChangeSequencer {

    private static final String SELECT_PENDING = "SELECT id, table_name, op, record::text, old_record::text, created_at "
            + "FROM realtime.changes WHERE seq IS NULL ORDER BY id LIMIT ? FOR UPDATE";

    private static final String NUMBER = "WITH block AS (UPDATE realtime.sequencer SET last_seq = last_seq + ? "
            + "RETURNING last_seq - ? AS base) "
            + "UPDATE realtime.changes c SET seq = block.base + u.ord FROM block, unnest(?::bigint[]) WITH ORDINALITY AS u(id, ord) "
            + "WHERE c.id = u.id RETURNING c.id, c.seq";

    private ChangeSequencer() {}

    /**
     * Numbers and returns up to {@code limit} newly committed changes, in order. Runs its own transaction on
     * {@code c}, which must be in autocommit mode when passed in and is returned so.
     */
    public static List<Change> next(Connection c, int limit) throws SQLException {
        c.setAutoCommit(false);
        try {
            List<long[]> ids = new ArrayList<>();
            List<Change> unnumbered = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT_PENDING)) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(new long[] {rs.getLong(1)});
                        unnumbered.add(new Change(0, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getTimestamp(6).toInstant()));
                    }
                }
            }
            if (unnumbered.isEmpty()) {
                c.commit();
                return List.of();
            }
            Long[] idArray = new Long[ids.size()];
            for (int i = 0; i < idArray.length; i++) {
                idArray[i] = ids.get(i)[0];
            }
            long base;
            try (PreparedStatement ps = c.prepareStatement(NUMBER)) {
                ps.setInt(1, idArray.length);
                ps.setInt(2, idArray.length);
                Array array = c.createArrayOf("bigint", idArray);
                ps.setArray(3, array);
                long minSeq = Long.MAX_VALUE;
                int updated = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        minSeq = Math.min(minSeq, rs.getLong(2));
                        updated++;
                    }
                }
                if (updated != idArray.length) {
                    throw new SQLException("numbered " + updated + " of " + idArray.length + " changes", "XX000");
                }
                base = minSeq - 1;
            }
            c.commit();
            List<Change> numbered = new ArrayList<>(unnumbered.size());
            for (int i = 0; i < unnumbered.size(); i++) {
                Change u = unnumbered.get(i);
                numbered.add(new Change(base + i + 1, u.table(), u.op(), u.recordJson(), u.oldRecordJson(), u.capturedAt()));
            }
            return numbered;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the caller discards it
            }
        }
    }

    /** Numbered changes after {@code since} (exclusive) up to {@code through} (inclusive) of one table, in order. */
    public static List<Change> history(Connection c, String table, long since, long through, int limit) throws SQLException {
        List<Change> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, table_name, op, record::text, old_record::text, created_at "
                + "FROM realtime.changes WHERE seq > ? AND seq <= ? AND table_name = ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, since);
            ps.setLong(2, through);
            ps.setString(3, table);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getTimestamp(6).toInstant()));
                }
            }
        }
        return out;
    }

    /** The highest change id numbered so far, and the highest one pruned. */
    public record Position(long lastSeq, long prunedThrough) {}

    public static Position position(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_seq, pruned_through FROM realtime.sequencer")) {
            if (!rs.next()) {
                return new Position(0, 0);
            }
            return new Position(rs.getLong(1), rs.getLong(2));
        }
    }

    /**
     * Deletes numbered changes older than {@code retention}, and beyond the newest {@code maxChanges} when that is
     * positive; records the highest id pruned so resumes from before it get a resync. Returns how many went.
     */
    public static int prune(Connection c, Duration retention, long maxChanges) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH gone AS (DELETE FROM realtime.changes WHERE seq IS NOT NULL "
                + "AND (created_at < clock_timestamp() - make_interval(secs => ?) "
                + "OR (? > 0 AND seq <= (SELECT last_seq FROM realtime.sequencer) - ?)) RETURNING seq) "
                + "UPDATE realtime.sequencer SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM gone)) "
                + "WHERE EXISTS (SELECT 1 FROM gone) RETURNING (SELECT count(*) FROM gone)")) {
            ps.setDouble(1, retention.toMillis() / 1000.0);
            ps.setLong(2, maxChanges);
            ps.setLong(3, maxChanges);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
