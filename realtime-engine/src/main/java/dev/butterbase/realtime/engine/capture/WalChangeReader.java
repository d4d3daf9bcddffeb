package dev.butterbase.realtime.engine.capture;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL reader: logical replication with the built-in {@code pgoutput} plugin, through pgjdbc's replication
 * API, on the publication of {@code realtime.changes} inserts (only the {@code id} column where the server
 * supports column lists). Each transaction's COMMIT message signals the dispatcher; the write path pays
 * nothing beyond the WAL it writes anyway.
 *
 * <p>The slot's position is confirmed as soon as a message is read: the durable cursor is the {@code seq}
 * column, not the slot, so the slot never holds WAL back beyond the message being read.
 */
final class WalChangeReader extends ReconnectingReader {

    private static final Logger log = LoggerFactory.getLogger(WalChangeReader.class);

    /** How long the reader waits between polls of an idle stream: the most it adds to a change's latency. */
    static final long IDLE_POLL_MILLIS = 5;

    private final ConnectionFactory replicationConnections;
    private final String slotName;

    WalChangeReader(String appId, ConnectionFactory connections, ConnectionFactory replicationConnections, Runnable signal) {
        super(appId, connections, signal, "realtime-wal");
        this.replicationConnections = replicationConnections;
        this.slotName = WalChangeReaderSlots.slotName(appId);
    }

    @Override
    public Kind kind() {
        return Kind.WAL;
    }

    @Override
    Connection connect() throws SQLException {
        try (Connection c = connections.open()) {
            CaptureSchema.installPublication(c);
            ensureSlot(c, slotName);
        }
        return replicationConnections.open();
    }

    private static void ensureSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, slot);
            ps.execute();
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: another server created it meanwhile
                throw e;
            }
        }
    }

    @Override
    void read(Connection c) throws SQLException {
        PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream()
                .logical()
                .withSlotName(slotName)
                .withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", CaptureSchema.PUBLICATION)
                .withStatusInterval(1, TimeUnit.SECONDS)
                .start();
        try {
            LogSequenceNumber confirmed = LogSequenceNumber.INVALID_LSN;
            while (!closed()) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    // Idle. Confirm everything received, keepalive positions included: a blocking read() would
                    // answer keepalives with a stale position, and a server shutting down waits for this one.
                    LogSequenceNumber received = stream.getLastReceiveLSN();
                    if (!received.equals(confirmed)) {
                        stream.setAppliedLSN(received);
                        stream.setFlushedLSN(received);
                        stream.forceUpdateStatus();
                        confirmed = received;
                    }
                    TimeUnit.MILLISECONDS.sleep(IDLE_POLL_MILLIS);
                    continue;
                }
                if (message.remaining() > 0 && message.get(message.position()) == 'C') {
                    signal.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                stream.close();
            } catch (SQLException e) {
                log.debug("closing the replication stream of {}: {}", appId, e.getMessage());
            }
        }
    }
}
