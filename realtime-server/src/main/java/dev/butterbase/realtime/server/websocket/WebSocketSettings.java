package dev.butterbase.realtime.server.websocket;

import java.time.Duration;

/**
 * Limits and timings of realtime connections.
 *
 * @param heartbeatInterval between {@code heartbeat} messages and pings; a client silent for two is closed
 * @param maxOutboundBytes  a client whose queued bytes exceed this at a heartbeat (or four times this at any
 *                          moment) is closed as a slow consumer (1013)
 * @param maxSubscriptions  tables one connection may subscribe to
 * @param maxMessageBytes   largest client message accepted
 * @param tokenExpiryGrace  how long after its token's {@code exp} a connection may stay without a refresh
 */
public record WebSocketSettings(Duration heartbeatInterval, long maxOutboundBytes, int maxSubscriptions, int maxMessageBytes,
        Duration tokenExpiryGrace) {

    public static WebSocketSettings defaults(Duration heartbeatInterval) {
        return new WebSocketSettings(heartbeatInterval, 16L * 1024 * 1024, 100, 256 * 1024, Duration.ZERO);
    }

    public WebSocketSettings {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        }
        if (maxOutboundBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxOutboundBytes must be at least 64 KiB");
        }
        if (maxSubscriptions < 1 || maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxSubscriptions and maxMessageBytes are too small");
        }
    }
}
