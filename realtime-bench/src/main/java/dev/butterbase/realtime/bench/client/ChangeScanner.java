package dev.butterbase.realtime.bench.client;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads, without allocating, what the harness needs from a {@code change} message: the operation's first letter
 * and, from the {@code record} object, the row's {@code id} and {@code sent_at_micros}. At tens of thousands of
 * deliveries a second on the machine that also runs the server, a JSON tree per message would cost more than
 * the server's own work. Keys are matched at the record's top level only, whatever the other columns hold.
 * One instance per event loop: not thread-safe.
 */
public final class ChangeScanner {

    private static final byte[] PREFIX = bytes("{\"type\":\"change\",");
    private static final byte[] OP = bytes("\"op\":\"");
    private static final byte[] RECORD = bytes("\"record\":");
    private static final byte[] ID = bytes("id");
    private static final byte[] SENT_AT = bytes("sent_at_micros");

    private ByteBuf buf;
    private int end;
    private long rowId;
    private long sentAtMicros;
    private byte op;

    /** Whether the text frame is a {@code change} message (the server writes {@code type} first). */
    public static boolean isChange(ByteBuf text) {
        return startsWith(text, text.readerIndex(), PREFIX);
    }

    /** Whether the frame starts with {@code {"type":"<type>"}. */
    public static boolean hasType(ByteBuf text, byte[] typePrefix) {
        return startsWith(text, text.readerIndex(), typePrefix);
    }

    /** {@code {"type":"<type>"} as bytes, for {@link #hasType}. */
    public static byte[] typePrefix(String type) {
        return bytes("{\"type\":\"" + type + "\"");
    }

    /** Scans a change message; returns whether the op and both numbers were found. */
    public boolean scan(ByteBuf text) {
        buf = text;
        end = text.writerIndex();
        rowId = -1;
        sentAtMicros = -1;
        op = 0;
        try {
            int opAt = indexOf(text.readerIndex(), OP);
            if (opAt < 0) {
                return false;
            }
            op = buf.getByte(opAt + OP.length);
            int at = indexOf(opAt, RECORD);
            return at >= 0 && scanRecord(at + RECORD.length) && rowId >= 0 && sentAtMicros >= 0;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            return false;
        } finally {
            buf = null;
        }
    }

    public long rowId() {
        return rowId;
    }

    public long sentAtMicros() {
        return sentAtMicros;
    }

    /** 'I', 'U' or 'D'. */
    public byte op() {
        return op;
    }

    private boolean scanRecord(int p) {
        p = skipWs(p);
        if (buf.getByte(p) != '{') {
            return false; // null: a DELETE
        }
        p++;
        while (true) {
            p = skipWs(p);
            byte b = buf.getByte(p);
            if (b == '}') {
                return true;
            }
            if (b != '"') {
                return false;
            }
            int keyStart = p + 1;
            int keyEnd = stringEnd(keyStart);
            p = skipWs(keyEnd + 1);
            if (buf.getByte(p) != ':') {
                return false;
            }
            p = skipWs(p + 1);
            if (keyIs(keyStart, keyEnd, ID)) {
                p = number(p, true);
            } else if (keyIs(keyStart, keyEnd, SENT_AT)) {
                p = number(p, false);
            } else {
                p = skipValue(p);
            }
            p = skipWs(p);
            b = buf.getByte(p);
            if (b == ',') {
                p++;
            } else if (b == '}') {
                return true;
            } else {
                return false;
            }
        }
    }

    private int number(int p, boolean isId) {
        long value = 0;
        int digits = 0;
        while (p < end) {
            byte b = buf.getByte(p);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
            p++;
        }
        if (digits == 0) {
            throw new NumberFormatException("not a non-negative integer");
        }
        if (isId) {
            rowId = value;
        } else {
            sentAtMicros = value;
        }
        return p;
    }

    /** Index of the closing quote of a string whose content starts at {@code p}. */
    private int stringEnd(int p) {
        while (true) {
            byte b = buf.getByte(p);
            if (b == '\\') {
                p += 2;
            } else if (b == '"') {
                return p;
            } else {
                p++;
            }
        }
    }

    private int skipValue(int p) {
        byte b = buf.getByte(p);
        if (b == '"') {
            return stringEnd(p + 1) + 1;
        }
        if (b == '{' || b == '[') {
            int depth = 0;
            while (true) {
                b = buf.getByte(p);
                if (b == '"') {
                    p = stringEnd(p + 1) + 1;
                    continue;
                }
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                    if (depth == 0) {
                        return p + 1;
                    }
                }
                p++;
            }
        }
        while (p < end) {
            b = buf.getByte(p);
            if (b == ',' || b == '}' || b == ']' || b == ' ') {
                return p;
            }
            p++;
        }
        return p;
    }

    private int skipWs(int p) {
        while (p < end) {
            byte b = buf.getByte(p);
            if (b != ' ' && b != '\n' && b != '\t' && b != '\r') {
                return p;
            }
            p++;
        }
        return p;
    }

    private boolean keyIs(int start, int endExclusive, byte[] key) {
        if (endExclusive - start != key.length) {
            return false;
        }
        return startsWith(buf, start, key);
    }

    private int indexOf(int from, byte[] needle) {
        for (int i = from; i + needle.length <= end; i++) {
            if (startsWith(buf, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(ByteBuf b, int at, byte[] prefix) {
        if (at + prefix.length > b.writerIndex()) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
