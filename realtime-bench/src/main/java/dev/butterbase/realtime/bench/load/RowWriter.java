package dev.butterbase.realtime.bench.load;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** How one row of a workload is written: its INSERT, and the values of row number {@code row}. */
public interface RowWriter {

    String insertSql();

    /** Binds row {@code row}, stamped with {@code sentAtMicros} ({@link dev.butterbase.realtime.bench.measure.BenchClock}). */
    void bind(PreparedStatement ps, int row, long sentAtMicros) throws SQLException;
}
