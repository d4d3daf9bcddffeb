package dev.butterbase.realtime.server.functions;

import dev.butterbase.realtime.server.control.ControlStore;
import java.net.URI;
import java.time.Instant;

/**
 * A function of an app: an HTTP endpoint called with a signed POST when a client sends an {@code event} its
 * websocket trigger names. Immutable. {@link #toString} never shows the secret.
 *
 * @param secret the HMAC-SHA256 key its calls are signed with
 */
public record AppFunction(String appId, String name, URI url, String event, int timeoutMs, String secret,
        Instant createdAt) {

    /** The only trigger type there is. */
    public static final String WEBSOCKET_TRIGGER = "websocket";

    static AppFunction of(ControlStore.FunctionRow row) {
        return new AppFunction(row.appId(), row.name(), URI.create(row.url()), row.event(), row.timeoutMs(), row.secret(),
                row.createdAt());
    }

    @Override
    public String toString() {
        return "AppFunction[" + appId + "/" + name + " on event " + event + "]";
    }
}
