package dev.butterbase.realtime.client;

import java.time.Instant;

/** Told that the server accepted a token given to {@link RealtimeClient#setToken}. Called on the event thread. */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param expiresAt the new token's expiry, or null when it has none (a service key)
     * @param role      the role it grants, e.g. {@code butterbase_user}
     */
    void onTokenRefreshed(Instant expiresAt, String role);
}
