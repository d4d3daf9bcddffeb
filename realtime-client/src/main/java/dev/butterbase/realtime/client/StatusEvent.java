package dev.butterbase.realtime.client;

import java.time.Duration;

/**
 * A status change.
 *
 * @param status  the new status
 * @param code    for {@code RECONNECTING} and {@code CLOSED}: the close code that caused it (1006 when no close
 *                frame came: a network failure, or no message within the heartbeat timeout); otherwise 0
 * @param reason  the close reason, or ""
 * @param attempt for {@code RECONNECTING}: which attempt is scheduled (1, 2, …); otherwise 0
 * @param delay   for {@code RECONNECTING}: when it is scheduled; otherwise {@link Duration#ZERO}
 */
public record StatusEvent(ConnectionStatus status, int code, String reason, int attempt, Duration delay) {

    static StatusEvent of(ConnectionStatus status) {
        return new StatusEvent(status, 0, "", 0, Duration.ZERO);
    }

    static StatusEvent closed(int code, String reason) {
        return new StatusEvent(ConnectionStatus.CLOSED, code, reason, 0, Duration.ZERO);
    }
}
