package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row change as the server sends it.
 *
 * @param id        the change id: unique per app, increasing in commit order, stable across server restarts
 * @param table     the table
 * @param op        what happened
 * @param record    the row after the change; null for {@link Op#DELETE}
 * @param oldRecord the row before the change; null for {@link Op#INSERT}
 * @param timestamp when the row changed
 */
public record Change(long id, String table, Op op, JsonNode record, JsonNode oldRecord, Instant timestamp) {

    /** The operation of a change. */
    public enum Op { INSERT, UPDATE, DELETE }
}
