package dev.butterbase.realtime.engine.fanout;

import dev.butterbase.realtime.engine.identity.Identity;

/**
 * A connected client as the engine sees it. Implemented by the server over its WebSocket connection.
 * {@link #deliver} is called from the app's dispatch thread, in change order, and must not block.
 */
public interface Subscriber {

    String clientId();

    /** The identity changes are checked as; read at every dispatch, so a refreshed token takes effect at once. */
    Identity identity();

    /** Queues one encoded server message for the client and sends it; the bytes are shared, never modify them. */
    void deliver(byte[] message);

    /**
     * Queues a message without sending it yet: the hub writes a burst this way and calls {@link #flush} once at
     * its end, so a busy client costs one send per burst instead of one per change.
     */
    default void write(byte[] message) {
        deliver(message);
    }

    /** Sends what {@link #write} queued. */
    default void flush() {}
}
