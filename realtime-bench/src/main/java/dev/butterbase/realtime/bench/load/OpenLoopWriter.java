package dev.butterbase.realtime.bench.load;

import dev.butterbase.realtime.bench.measure.BenchClock;
import dev.butterbase.realtime.bench.measure.LatencySummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Writes rows at a fixed rate, open loop: row {@code i} is due at {@code start + i / rate}, whatever happened to
 * earlier rows and to deliveries. A few threads ({@code bench-writer-*}), each with its own connection in
 * autocommit, take the next due row; how late each write is issued is recorded, and rows still unissued
 * {@link #GRACE} after the schedule's end are skipped (and reported), so a run ends by itself however far behind
 * the writer falls. Each row is stamped with the clock just before its INSERT, which commits it.
 */
public final class OpenLoopWriter {

    /** How long past the schedule's end the writer may still issue rows. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    private static final long LATE_MICROS = 10_000;

    /** Opens one writer connection. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /**
     * @param lagMicros    how late each write was issued, relative to its schedule
     * @param insertMicros INSERT round trips
     */
    public record Result(int planned, int committed, int failed, int skipped, long lateWrites, Histogram lagMicros,
            Histogram insertMicros, List<String> errors, Duration took) {

        public double achievedPerSecond() {
            return took.isZero() ? 0 : committed * 1e9 / took.toNanos();
        }
    }

    private final ConnectionSource connections;
    private final int threads;
    private final double rate;
    private final int rows;

    public OpenLoopWriter(ConnectionSource connections, int threads, double rate, int rows) {
        if (threads < 1 || !(rate > 0) || rows < 0) {
            throw new IllegalArgumentException("threads and rate must be positive");
        }
        this.connections = connections;
        this.threads = threads;
        this.rate = rate;
        this.rows = rows;
    }

    /**
     * Writes every row (or skips what is too late), calling {@code committed} from a writer thread after each commit.
     * The writer connections are opened before the schedule starts.
     */
    public Result run(RowWriter writer, IntConsumer committed) throws InterruptedException, SQLException {
        List<Connection> opened = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Connection c = connections.open();
                opened.add(c);
                c.setAutoCommit(true);
            }
            return run(writer, committed, opened);
        } finally {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // closing a writer connection after the run; nothing depends on it
                }
            }
        }
    }

    private Result run(RowWriter writer, IntConsumer committed, List<Connection> opened) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger committedCount = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime() + 50_000_000L;
        long giveUp = start + (long) (rows / rate * 1e9) + GRACE.toNanos();
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(opened.get(t), writer, committed, next, committedCount, failed, skipped, errors, start, giveUp);
            w.thread = new Thread(w, "bench-writer-" + t);
            workers.add(w);
            w.thread.start();
        }
        Histogram lag = LatencySummary.newHistogram();
        Histogram insert = LatencySummary.newHistogram();
        long late = 0;
        for (Worker w : workers) {
            w.thread.join();
            lag.add(w.lag);
            insert.add(w.insert);
            late += w.late;
        }
        return new Result(rows, committedCount.get(), failed.get(), skipped.get(), late, lag, insert, List.copyOf(errors),
                Duration.ofNanos(Math.max(0, System.nanoTime() - start)));
    }

    private final class Worker implements Runnable {
        final Connection connection;
        final RowWriter writer;
        final IntConsumer committed;
        final AtomicInteger next;
        final AtomicInteger committedCount;
        final AtomicInteger failed;
        final AtomicInteger skipped;
        final ConcurrentLinkedQueue<String> errors;
        final long start;
        final long giveUp;
        final Histogram lag = LatencySummary.newHistogram();
        final Histogram insert = LatencySummary.newHistogram();
        long late;
        Thread thread;

        Worker(Connection connection, RowWriter writer, IntConsumer committed, AtomicInteger next, AtomicInteger committedCount, AtomicInteger failed,
                AtomicInteger skipped, ConcurrentLinkedQueue<String> errors, long start, long giveUp) {
            this.connection = connection;
            this.writer = writer;
            this.committed = committed;
            this.next = next;
            this.committedCount = committedCount;
            this.failed = failed;
            this.skipped = skipped;
            this.errors = errors;
            this.start = start;
            this.giveUp = giveUp;
        }

        @Override
        public void run() {
            try (PreparedStatement ps = connection.prepareStatement(writer.insertSql())) {
                int row;
                while ((row = next.getAndIncrement()) < rows) {
                    long due = start + (long) (row * 1e9 / rate);
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    if (now > giveUp) {
                        skipped.incrementAndGet();
                        continue;
                    }
                    long lateMicros = (now - due) / 1_000;
                    LatencySummary.record(lag, lateMicros);
                    if (lateMicros > LATE_MICROS) {
                        late++;
                    }
                    write(ps, row);
                }
            } catch (SQLException e) {
                error("writer connection failed: " + e.getMessage());
                // every row this worker would have taken is accounted for by the others; count what is left
                while (next.getAndIncrement() < rows) {
                    failed.incrementAndGet();
                }
            }
        }

        private void write(PreparedStatement ps, int row) {
            long begin = System.nanoTime();
            try {
                writer.bind(ps, row, BenchClock.nowMicros());
                ps.executeUpdate();
                LatencySummary.record(insert, (System.nanoTime() - begin) / 1_000);
                committedCount.incrementAndGet();
                committed.accept(row);
            } catch (SQLException e) {
                failed.incrementAndGet();
                error("row " + row + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")");
            }
        }

        private void error(String message) {
            if (errors.size() < 5) {
                errors.add(message);
            }
        }
    }
}
