package dev.butterbase.realtime.engine.fanout;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.butterbase.realtime.engine.capture.Change;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a change as the protocol's {@code change} message, once, for every recipient: the row images are
 * already JSON text from Postgres and are spliced in as they are, without parsing.
 */
public final class ChangeEncoder {

    private ChangeEncoder() {}

    public static byte[] encode(Change change) {
        String record = change.recordJson() == null ? "null" : change.recordJson();
        String oldRecord = change.oldRecordJson() == null ? "null" : change.oldRecordJson();
        StringBuilder sb = new StringBuilder(96 + record.length() + oldRecord.length());
        sb.append("{\"type\":\"change\",\"id\":").append(change.seq())
                .append(",\"table\":\"").append(JsonStringEncoder.getInstance().quoteAsString(change.table()))
                .append("\",\"op\":\"").append(change.op())
                .append("\",\"record\":").append(record)
                .append(",\"old_record\":").append(oldRecord)
                .append(",\"timestamp\":\"").append(change.capturedAt()).append("\"}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
