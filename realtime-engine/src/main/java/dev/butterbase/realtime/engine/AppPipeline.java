package dev.butterbase.realtime.engine;

import dev.butterbase.realtime.engine.capture.CaptureSchema;
import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.capture.ChangeSequencer;
import dev.butterbase.realtime.engine.capture.ConnectionFactory;
import dev.butterbase.realtime.engine.capture.WalChangeReaderSlots;
import dev.butterbase.realtime.engine.fanout.ChangeHub;
import dev.butterbase.realtime.engine.fanout.RowFilter;
import dev.butterbase.realtime.engine.fanout.Subscriber;
import dev.butterbase.realtime.engine.rls.NaiveRlsChecker;
import dev.butterbase.realtime.engine.rls.PolicyCatalog;
import dev.butterbase.realtime.engine.rls.RlsEvaluator;
import dev.butterbase.realtime.engine.rls.RlsMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's realtime pipeline: a {@link ChangeReader} signals, and a single dispatch thread numbers newly
 * committed changes ({@link ChangeSequencer}), checks them against RLS per identity ({@link RlsEvaluator}) and
 * hands them to subscribers ({@link ChangeHub}). Resumes run on the same thread, so a resuming client gets its
 * backlog and then live changes with no gap and no duplicate.
 *
 * <p>Database failures never lose a change: unnumbered rows wait in {@code realtime.changes} until the
 * pipeline reconnects. Public methods are safe to call from any thread and never block on the database.
 */
public final class AppPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AppPipeline.class);
    static final int HISTORY_LIMIT = 10_000;

    /** Work for the dispatch thread, with a connection from the app's pool. */
    @FunctionalInterface
    interface Task {
        void run(Connection c) throws SQLException;
    }

    private final String appId;
    private final DataSource pool;
    private final ConnectionFactory connections;
    private final ConnectionFactory replicationConnections;
    private final EngineSettings settings;
    private final ChangeHub hub;
    private final RlsEvaluator rls;
    private final Semaphore signals = new Semaphore(0);
    private final ConcurrentLinkedDeque<Task> tasks = new ConcurrentLinkedDeque<>();
    private final Thread thread;
    private volatile ChangeReader reader;
    private volatile boolean healthy;
    private volatile boolean closed;
    private volatile long lastDispatchedSeq = -1;
    private volatile java.time.Duration retention;
    private volatile long retentionMaxChanges;
    private volatile long nextPruneNanos;
    private volatile long slotLagBytes = -1;
    private final java.util.concurrent.atomic.AtomicLong dispatched = new java.util.concurrent.atomic.AtomicLong();

    public AppPipeline(String appId, DataSource pool, ConnectionFactory connections, ConnectionFactory replicationConnections,
            EngineSettings settings) {
        this.appId = appId;
        this.pool = pool;
        this.connections = connections;
        this.replicationConnections = replicationConnections;
        this.settings = settings;
        this.rls = new RlsEvaluator(new PolicyCatalog(settings.policyCacheTtl()));
        this.hub = new ChangeHub(settings.rlsMode() == RlsMode.NAIVE ? new NaiveRlsChecker(settings.policyCacheTtl()) : null);
        this.retention = settings.changeRetention();
        this.thread = new Thread(this::run, "realtime-dispatch-" + appId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String appId() {
        return appId;
    }

    /** The reader's connection is up and the last dispatch round reached the database. */
    public boolean connected() {
        ChangeReader r = reader;
        return healthy && r != null && r.connected();
    }

    /** Which reader is in use, or null before the first successful contact with the database. */
    public ChangeReader.Kind readerKind() {
        ChangeReader r = reader;
        return r == null ? null : r.kind();
    }

    /**
     * How long, and how many, numbered changes are kept for resuming clients (the app's plan); 0 changes means no
     * size limit. Takes effect at the next prune.
     */
    public void setRetention(java.time.Duration time, long maxChanges) {
        this.retention = time;
        this.retentionMaxChanges = maxChanges;
        this.nextPruneNanos = System.nanoTime();
        signal();
    }

    /** WAL bytes the app's replication slot holds back, as of the last check (every prune interval); -1 if none. */
    public long slotLagBytes() {
        return slotLagBytes;
    }

    /**
     * The id of the last change handed to subscribers, or -1 before the pipeline reached its database. Read before
     * subscribing, it is a safe {@code since} for that subscription: every later change is delivered live or kept.
     */
    public long lastDispatchedSeq() {
        return lastDispatchedSeq;
    }

    /** Changes numbered and dispatched by this pipeline since it started. */
    public long dispatchedChanges() {
        return dispatched.get();
    }

    /** RLS queries run against the app database since the pipeline started. */
    public long rlsQueries() {
        return rls.queries();
    }

    /** New changes may have committed: look now rather than at the next safety poll. */
    public void signal() {
        signals.release();
    }

    /** Table policies or keys changed: drop the cached copies. */
    public void invalidatePolicies() {
        rls.catalog().invalidate();
    }

    /** Subscribes to live changes of a table from now on. */
    public void subscribe(Subscriber subscriber, String table, RowFilter filter) {
        hub.subscribe(subscriber, table, filter);
    }

    /**
     * Subscribes with resume: first every retained change of the table after {@code since} that the subscriber
     * may read, in order, then live changes, with no gap and no duplicate. When {@code since} is older than what
     * is retained, {@code onResyncRequired} runs instead of the backlog (the live subscription still starts).
     */
    public void subscribe(Subscriber subscriber, String table, RowFilter filter, long since, Runnable onResyncRequired) {
        tasks.add(c -> {
            ChangeSequencer.Position position = ChangeSequencer.position(c);
            long through = lastDispatchedSeq;
            if (since < position.prunedThrough() || since > position.lastSeq()) {
                onResyncRequired.run();
            } else {
                long cursor = since;
                while (cursor < through) {
                    List<Change> history = ChangeSequencer.history(c, table, cursor, through, HISTORY_LIMIT);
                    if (history.isEmpty()) {
                        break;
                    }
                    ChangeHub.replay(c, subscriber, table, filter, history, rls);
                    cursor = history.get(history.size() - 1).seq();
                }
            }
            hub.subscribe(subscriber, table, filter);
        });
        signal();
    }

    public boolean unsubscribe(Subscriber subscriber, String table) {
        return hub.unsubscribe(subscriber, table);
    }

    /** The client left: forget all its subscriptions. */
    public void disconnect(Subscriber subscriber) {
        hub.removeAll(subscriber);
    }

    private void run() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = pool.getConnection()) {
                if (reader == null) {
                    initialize(c);
                }
                runTasks(c);
                drain(c);
                pruneIfDue(c);
                healthy = true;
                backoff = 100;
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                if (healthy || backoff == 100) {
                    log.warn("realtime pipeline of {} cannot reach its database ({}); retrying", appId, e.getMessage());
                }
                healthy = false;
                sleepQuietly(backoff);
                backoff = Math.min(5_000, backoff * 2);
                continue;
            } catch (RuntimeException e) {
                log.error("realtime pipeline of {} failed a round; retrying", appId, e);
                healthy = false;
                sleepQuietly(backoff);
                backoff = Math.min(5_000, backoff * 2);
                continue;
            }
            awaitSignal();
        }
    }

    private void initialize(Connection c) throws SQLException {
        ChangeReader.Kind kind = RealtimeEngine.chooseReader(c, settings);
        c.setAutoCommit(false);
        try {
            CaptureSchema.install(c, kind == ChangeReader.Kind.NOTIFY);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        lastDispatchedSeq = ChangeSequencer.position(c).lastSeq();
        ChangeReader r = kind.create(appId, connections, replicationConnections, this::signal);
        r.start();
        reader = r;
        log.info("realtime pipeline of {} started with the {} reader", appId, kind);
    }

    private void runTasks(Connection c) throws SQLException {
        Task task;
        while ((task = tasks.peek()) != null) {
            task.run(c);
            tasks.poll();
        }
    }

    private void drain(Connection c) throws SQLException {
        while (!closed) {
            List<Change> batch = ChangeSequencer.next(c, settings.batchSize());
            if (batch.isEmpty()) {
                return;
            }
            lastDispatchedSeq = batch.get(batch.size() - 1).seq();
            dispatched.addAndGet(batch.size());
            hub.dispatch(c, batch, rls);
            if (batch.size() < settings.batchSize()) {
                return;
            }
        }
    }

    private void pruneIfDue(Connection c) throws SQLException {
        long now = System.nanoTime();
        if (now - nextPruneNanos < 0) {
            return;
        }
        nextPruneNanos = now + settings.pruneInterval().toNanos();
        int pruned = ChangeSequencer.prune(c, retention, retentionMaxChanges);
        if (pruned > 0) {
            log.debug("pruned {} change(s) of {}", pruned, appId);
        }
        if (readerKind() == ChangeReader.Kind.WAL) {
            long lag = WalChangeReaderSlots.lagBytes(c, appId);
            slotLagBytes = lag;
            if (lag > settings.slotLagWarnBytes()) {
                log.warn("replication slot of {} holds back {} MiB of WAL (limit {} MiB): is its reader connected?", appId,
                        lag >> 20, settings.slotLagWarnBytes() >> 20);
            }
        }
    }

    private void awaitSignal() {
        try {
            if (signals.tryAcquire(settings.safetyPollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                signals.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private void sleepQuietly(long millis) {
        try {
            signals.tryAcquire(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        ChangeReader r = reader;
        if (r != null) {
            r.close();
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
