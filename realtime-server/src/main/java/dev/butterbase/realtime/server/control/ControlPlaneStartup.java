package dev.butterbase.realtime.server.control;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the control plane up: migrates the control database and loads apps, realtime tables and functions.
 * When the database cannot be reached at start the server still starts (not ready) and this keeps trying in
 * the background with backoff; errors that retrying cannot fix (authentication, a missing database) fail at once.
 */
public final class ControlPlaneStartup implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneStartup.class);

    /** One loading step; runs again from the first step after a failure. Steps must be idempotent. */
    @FunctionalInterface
    public interface Step {
        void run() throws SQLException;
    }

    private final List<Step> steps;
    private volatile boolean ready;
    private volatile boolean closed;
    private Thread retrier;

    public ControlPlaneStartup(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * Runs the steps now. Returns normally when they succeeded or when the database is merely unreachable (then
     * they are retried in the background).
     *
     * @throws SQLException when the failure is permanent (SQLSTATE class 28 or 3D)
     */
    public void start() throws SQLException {
        try {
            runSteps();
        } catch (SQLException e) {
            if (permanent(e)) {
                throw e;
            }
            log.warn("the control database is not reachable ({}); starting anyway, not ready, retrying", e.getMessage());
            retrier = new Thread(this::retry, "butterbase-control-startup");
            retrier.setDaemon(true);
            retrier.start();
        }
    }

    /** Non-blocking: have all steps succeeded? */
    public boolean ready() {
        return ready;
    }

    private void runSteps() throws SQLException {
        for (Step step : steps) {
            step.run();
        }
        ready = true;
        log.info("control plane ready");
    }

    private void retry() {
        long backoff = 500;
        while (!closed && !ready) {
            try {
                TimeUnit.MILLISECONDS.sleep(backoff);
                runSteps();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException e) {
                if (permanent(e)) {
                    log.error("the control database refused the server for good ({}); fix the configuration and restart",
                            e.getMessage());
                    return;
                }
                log.debug("control database still unreachable: {}", e.getMessage());
                backoff = Math.min(5_000, backoff * 2);
            } catch (RuntimeException e) {
                log.error("control plane start-up failed; retrying", e);
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    static boolean permanent(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("28") || s.getSQLState().startsWith("3D"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        if (retrier != null) {
            retrier.interrupt();
        }
    }
}
