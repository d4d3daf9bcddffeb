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

    /** Queues one encoded server message for the client; the bytes are shared with other recipients, never modify them. */
    void deliver(byte[] message);
}
