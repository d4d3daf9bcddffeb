package dev.butterbase.realtime.client;

/** A table subscription. Safe to use from any thread. */
public interface Subscription extends AutoCloseable {

    String table();

    /** The last change id delivered (or the {@code since} asked for), or null: what a reconnect resumes from. */
    Long lastChangeId();

    /** Sends {@code unsubscribe}; no change is delivered to this subscription's listener afterwards. */
    void unsubscribe();

    /** Same as {@link #unsubscribe()}. */
    @Override
    default void close() {
        unsubscribe();
    }
}
