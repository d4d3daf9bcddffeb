package dev.butterbase.realtime.engine.capture;

import java.time.Instant;
import java.util.Objects;

/**
 * One captured row change, in the form it was committed.
 *
 * @param seq           the change id: assigned in commit order, unique and increasing per app; clients resume from it
 * @param table         table name (schema public)
 * @param op            {@code INSERT}, {@code UPDATE} or {@code DELETE}
 * @param recordJson    the new row as JSON text; null for DELETE
 * @param oldRecordJson the old row as JSON text; null for INSERT
 * @param capturedAt    when the trigger ran
 */
public record Change(long seq, String table, String op, String recordJson, String oldRecordJson, Instant capturedAt) {

    public Change {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
    }

    /** The row image RLS is judged on: the new row, or for DELETE the row as it was just before. */
    public String visibilityImage() {
        return "DELETE".equals(op) ? oldRecordJson : recordJson;
    }
}
