package dev.butterbase.realtime.engine.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Names and removes the logical replication slots of the WAL reader. */
public final class WalChangeReaderSlots {

    private WalChangeReaderSlots() {}

    /** The replication slot of an app: {@code butterbase_<app id>}, lower-case. */
    public static String slotName(String appId) {
        String cleaned = ("butterbase_" + appId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }

    /**
     * Drops the app's slot so it cannot pin WAL after the app is gone. Waits up to 10 s for the slot's
     * WAL sender to exit after the reader closed.
     */
    public static void drop(Connection c, String appId) throws SQLException {
        String slot = slotName(appId);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    Object activePid = rs.getObject(1);
                    if (activePid != null) {
                        try (PreparedStatement kill = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                            kill.setInt(1, ((Number) activePid).intValue());
                            kill.execute();
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NULL")) {
                ps.setString(1, slot);
                ps.execute();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("replication slot " + slot + " is still in use", "55006");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while dropping slot " + slot, "57014", e);
            }
        }
    }

    /**
     * How many bytes of WAL the app's slot holds back (current WAL position minus the slot's confirmed position),
     * or -1 when the slot does not exist.
     */
    public static long lagBytes(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), confirmed_flush_lsn)::bigint "
                + "FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slotName(appId));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                long lag = rs.getLong(1);
                return rs.wasNull() ? -1 : lag;
            }
        }
    }
}
