package dev.butterbase.realtime.client;

/** Receives presence diffs (channels subscribed with {@code diffs}). Called on the client's event thread. */
@FunctionalInterface
public interface PresenceDiffListener {

    void onDiff(PresenceDiff diff);
}
