package dev.butterbase.realtime.client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Opens WebSockets: the JDK's ({@link JdkTransport}) in production, a scripted one in unit tests. Events may
 * come from any thread, in order for one socket: {@code onOpen} first, then texts, then one of {@code onClose}
 * and {@code onError} (a failed connect is an {@code onError} without {@code onOpen}).
 */
interface Transport {

    void connect(URI uri, Map<String, String> headers, Duration timeout, Events events);

    interface Events {
        void onOpen(Socket socket);

        void onText(String text);

        void onClose(int code, String reason);

        void onError(Throwable error);
    }

    /** An open WebSocket. Safe from any thread. */
    interface Socket {
        void send(String text);

        /** Sends a close frame; the socket is dropped soon even if the server never answers. */
        void close(int code, String reason);

        /** Drops the connection at once, without a close frame. */
        void abort();
    }
}
