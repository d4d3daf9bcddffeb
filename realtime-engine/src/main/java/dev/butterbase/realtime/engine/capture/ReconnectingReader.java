package dev.butterbase.realtime.engine.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shared loop of both readers: connect, read until failure, back off (100 ms doubling to 5 s), repeat. */
abstract class ReconnectingReader implements ChangeReader {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingReader.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    protected final String appId;
    protected final ConnectionFactory connections;
    protected final Runnable signal;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile Connection current;

    ReconnectingReader(String appId, ConnectionFactory connections, Runnable signal, String threadPrefix) {
        this.appId = appId;
        this.connections = connections;
        this.signal = signal;
        this.thread = new Thread(this::run, threadPrefix + "-" + appId);
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    @Override
    public boolean connected() {
        return connected;
    }

    /** Opens the reader's connection, prepared for {@link #read}. */
    abstract Connection connect() throws SQLException;

    /** Reads until the connection fails or the reader is closed. */
    abstract void read(Connection c) throws SQLException, InterruptedException;

    private void run() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = connect()) {
                current = c;
                connected = true;
                backoff = 100;
                log.debug("{} reader of {} connected", kind(), appId);
                signal.run();
                read(c);
            } catch (SQLException e) {
                if (!closed) {
                    log.warn("{} reader of {} lost its connection ({}); retrying in {} ms", kind(), appId,
                            e.getMessage(), backoff);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.error("{} reader of {} failed; retrying in {} ms", kind(), appId, backoff, e);
                }
            } finally {
                connected = false;
                current = null;
            }
            if (closed) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing to unblock the reading thread; nothing more to do
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
