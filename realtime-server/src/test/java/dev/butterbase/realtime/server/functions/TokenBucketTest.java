package dev.butterbase.realtime.server.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-connection event rate limit, on a hand-driven clock. */
class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private int take(TokenBucket bucket, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.tryTake()) {
                taken++;
            }
        }
        return taken;
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aFullBucketAdmitsTheBurstThenRefusesUntilRefilled() {
        TokenBucket bucket = new TokenBucket(20, 40, now::get);

        assertThat(take(bucket, 100)).isEqualTo(40);
        advanceMillis(49);
        assertThat(bucket.tryTake()).isFalse();
        advanceMillis(1);
        assertThat(bucket.tryTake()).as("one token per 50 ms at 20/s").isTrue();
        assertThat(bucket.tryTake()).isFalse();
    }

    @Test
    void theSustainedRateIsTheRefillRate() {
        TokenBucket bucket = new TokenBucket(20, 40, now::get);
        take(bucket, 40);

        int admitted = 0;
        for (int ms = 0; ms < 10_000; ms += 10) {
            advanceMillis(10);
            admitted += take(bucket, 5);
        }
        assertThat(admitted).isBetween(199, 200);
    }

    @Test
    void idleTimeRefillsNoMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(20, 40, now::get);
        take(bucket, 40);
        advanceMillis(3_600_000);

        assertThat(take(bucket, 100)).isEqualTo(40);
    }

    @Test
    void aClockGoingBackwardsGrantsNothing() {
        TokenBucket bucket = new TokenBucket(20, 2, now::get);
        take(bucket, 2);
        advanceMillis(-10_000);

        assertThat(bucket.tryTake()).isFalse();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
