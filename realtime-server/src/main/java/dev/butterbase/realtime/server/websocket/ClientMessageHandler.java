package dev.butterbase.realtime.server.websocket;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Handles one type of client message beyond subscriptions (presence, events, token refresh). Called on the
 * connection's event loop: it must not block; blocking work goes to an executor and answers with
 * {@link RealtimeConnection#send}.
 */
@FunctionalInterface
public interface ClientMessageHandler {

    void handle(RealtimeConnection connection, ObjectNode message);

    /** Told when a connection closes, for whatever state the handler keeps per connection. */
    default void connectionClosed(RealtimeConnection connection) {}
}
