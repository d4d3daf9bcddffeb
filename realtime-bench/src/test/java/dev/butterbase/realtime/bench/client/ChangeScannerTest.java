package dev.butterbase.realtime.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.fanout.ChangeEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeScannerTest {

    private final ChangeScanner scanner = new ChangeScanner();

    private static ByteBuf encoded(String op, String record, String oldRecord) {
        return Unpooled.wrappedBuffer(ChangeEncoder.encode(new Change(99, "notifications", op, record, oldRecord, Instant.EPOCH)));
    }

    @Test
    void readsIdAndStampFromTheRecordAsPostgresPrintsIt() {
        ByteBuf msg = encoded("INSERT", "{\"id\": 42, \"body\": \"hi\", \"user_id\": \"u7\", \"sent_at_micros\": 1700000000123456}", null);
        assertThat(ChangeScanner.isChange(msg)).isTrue();
        assertThat(scanner.scan(msg)).isTrue();
        assertThat(scanner.op()).isEqualTo((byte) 'I');
        assertThat(scanner.rowId()).isEqualTo(42);
        assertThat(scanner.sentAtMicros()).isEqualTo(1700000000123456L);
    }

    @Test
    void matchesKeysAtTheRecordsTopLevelOnly() {
        String record = "{\"id\": 5, \"body\": \"{\\\"id\\\": 7, \\\"sent_at_micros\\\": 1}\", "
                + "\"meta\": {\"id\": 8, \"list\": [1, {\"sent_at_micros\": 2}], \"s\": \"]}\"}, \"sent_at_micros\": 123}";
        assertThat(scanner.scan(encoded("INSERT", record, null))).isTrue();
        assertThat(scanner.rowId()).isEqualTo(5);
        assertThat(scanner.sentAtMicros()).isEqualTo(123);
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThat(scanner.scan(encoded("DELETE", null, "{\"id\": 1, \"sent_at_micros\": 2}"))).isFalse();
        assertThat(scanner.scan(encoded("INSERT", "{\"id\": \"x\", \"sent_at_micros\": 2}", null))).isFalse();
        assertThat(scanner.scan(encoded("INSERT", "{\"id\": 3}", null))).isFalse();
        ByteBuf truncated = Unpooled.copiedBuffer("{\"type\":\"change\",\"id\":1,\"op\":\"INSERT\",\"record\":{\"id\": 3, \"sent",
                StandardCharsets.UTF_8);
        assertThat(scanner.scan(truncated)).isFalse();
        ByteBuf heartbeat = Unpooled.copiedBuffer("{\"type\":\"heartbeat\",\"timestamp\":\"x\"}", StandardCharsets.UTF_8);
        assertThat(ChangeScanner.isChange(heartbeat)).isFalse();
        assertThat(ChangeScanner.hasType(heartbeat, ChangeScanner.typePrefix("heartbeat"))).isTrue();
    }
}
