package dev.butterbase.realtime.engine.presence;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes {@code presence_state} and {@code presence_diff} messages, once per channel and flush, for every
 * recipient. Metadata is already compact JSON text and is spliced in as it is.
 */
public final class PresenceEncoder {

    private PresenceEncoder() {}

    /** {@code {"type":"presence_state","channel":…,"clients":[{"client_id","user_id","metadata"}…]}} */
    public static byte[] state(String channel, List<PresenceMember> members) {
        StringBuilder sb = new StringBuilder(64 + members.size() * 96);
        sb.append("{\"type\":\"presence_state\",\"channel\":");
        quote(sb, channel);
        sb.append(",\"clients\":");
        members(sb, members);
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"type":"presence_diff","channel":…,"joins":[…],"leaves":[…]}} */
    public static byte[] diff(String channel, PresenceDiff diff) {
        StringBuilder sb = new StringBuilder(64 + (diff.joins().size() + diff.leaves().size()) * 96);
        sb.append("{\"type\":\"presence_diff\",\"channel\":");
        quote(sb, channel);
        sb.append(",\"joins\":");
        members(sb, diff.joins());
        sb.append(",\"leaves\":");
        members(sb, diff.leaves());
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void members(StringBuilder sb, List<PresenceMember> members) {
        sb.append('[');
        for (int i = 0; i < members.size(); i++) {
            PresenceMember m = members.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"client_id\":");
            quote(sb, m.clientId());
            sb.append(",\"user_id\":");
            quote(sb, m.userId());
            sb.append(",\"metadata\":").append(m.metadataJson()).append('}');
        }
        sb.append(']');
    }

    private static void quote(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, sb);
        sb.append('"');
    }
}
