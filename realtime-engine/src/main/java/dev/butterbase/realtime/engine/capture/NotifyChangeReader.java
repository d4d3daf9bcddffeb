package dev.butterbase.realtime.engine.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The fallback reader: {@code LISTEN butterbase_realtime}. The capture trigger NOTIFYs once per transaction
 * with an empty payload (rows never travel in a payload, which Postgres caps at 8000 bytes).
 */
final class NotifyChangeReader extends ReconnectingReader {

    NotifyChangeReader(String appId, ConnectionFactory connections, Runnable signal) {
        super(appId, connections, signal, "realtime-listen");
    }

    @Override
    public Kind kind() {
        return Kind.NOTIFY;
    }

    @Override
    Connection connect() throws SQLException {
        Connection c = connections.open();
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CaptureSchema.NOTIFY_CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    void read(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed()) {
            PGNotification[] notifications = pg.getNotifications(1_000);
            if (notifications != null && notifications.length > 0) {
                signal.run();
            }
            if (notifications == null || notifications.length == 0) {
                // a silent connection may be a dead one: a round trip makes a broken socket fail fast
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                }
            }
        }
    }
}
