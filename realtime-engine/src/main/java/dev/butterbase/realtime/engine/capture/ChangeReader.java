package dev.butterbase.realtime.engine.capture;

/**
 * Tells the app's dispatcher when new changes may have committed. Two implementations: {@link WalChangeReader}
 * (logical replication, no cost on the write path) and {@link NotifyChangeReader} (LISTEN/NOTIFY, for servers
 * without {@code wal_level=logical}). Neither carries rows: the dispatcher reads them with
 * {@link ChangeSequencer}, so a signal that is lost or doubled costs latency, never a change.
 *
 * <p>Each runs on its own thread, reconnects with backoff after any failure, and signals once after every
 * (re)connect to pick up what committed meanwhile.
 */
public interface ChangeReader extends AutoCloseable {

    /** Which reader an app uses. */
    enum Kind {
        WAL,
        NOTIFY;

        /**
         * @param connections            plain connections to the app database
         * @param replicationConnections connections opened with {@code replication=database} (WAL reader only)
         */
        public ChangeReader create(String appId, ConnectionFactory connections, ConnectionFactory replicationConnections,
                Runnable signal) {
            return this == WAL
                    ? new WalChangeReader(appId, connections, replicationConnections, signal)
                    : new NotifyChangeReader(appId, connections, signal);
        }
    }

    Kind kind();

    void start();

    /** Whether the reader's own database connection is up right now. */
    boolean connected();

    @Override
    void close();
}
