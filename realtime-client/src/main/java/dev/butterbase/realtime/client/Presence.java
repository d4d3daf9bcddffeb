package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Presence on a client's connection: what is tracked and subscribed is remembered and sent again after every
 * reconnect (the server forgets a connection's presence when it drops). Safe to use from any thread.
 */
public final class Presence {

    private final Session session;

    Presence(Session session) {
        this.session = session;
    }

    /**
     * Tracks this client in the app-wide channel ({@code "default"} in messages) with {@code metadata}: anything
     * Jackson writes as a JSON object. Answered by the channel's next {@code presence_state}.
     */
    public void track(Object metadata) {
        track(metadata, null);
    }

    /** Tracks this client in {@code channel} (null: the app-wide channel), replacing its earlier metadata there. */
    public void track(Object metadata, String channel) {
        JsonNode node = Wire.JSON.valueToTree(Objects.requireNonNull(metadata, "metadata"));
        session.track(channel, node);
    }

    /** Removes this client's entry from the default channel. */
    public void untrack() {
        untrack(null);
    }

    public void untrack(String channel) {
        session.untrack(channel);
    }

    /**
     * Watches a channel (null: the app-wide channel) without tracking in it: a {@code presence_state} first, then
     * full states, or {@code presence_diff}s when {@code diffs} is true.
     */
    public void subscribe(String channel, boolean diffs) {
        session.presenceSubscribe(channel, diffs);
    }

    /** Leaves a channel (null: the app-wide one): this client's entry is removed and no more messages of it arrive. */
    public void unsubscribe(String channel) {
        session.presenceUnsubscribe(channel);
    }

    public Registration onState(PresenceStateListener listener) {
        return session.presenceStateListeners.add(listener);
    }

    public Registration onDiff(PresenceDiffListener listener) {
        return session.presenceDiffListeners.add(listener);
    }
}
