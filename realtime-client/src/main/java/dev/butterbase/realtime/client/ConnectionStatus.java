package dev.butterbase.realtime.client;

/** The life of a client's connection. */
public enum ConnectionStatus {
    /** A WebSocket is being opened. */
    CONNECTING,
    /** The server said {@code connected}; subscriptions, presence and events are (re)sent. */
    OPEN,
    /** The connection dropped; a reconnect is scheduled ({@link StatusEvent#delay()}). */
    RECONNECTING,
    /** Closed for good: by {@link RealtimeClient#close()}, or by a close that means stop (1008, 1013 disabled). */
    CLOSED
}
