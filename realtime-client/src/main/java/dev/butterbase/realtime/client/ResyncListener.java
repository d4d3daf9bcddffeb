package dev.butterbase.realtime.client;

/**
 * Told that changes of a table may have been missed, so the application should reload it: the server's
 * {@code resync_required} (a {@code since} older than what it retains), or the client's own after a reconnect
 * when the subscription had no change id to resume from. Live changes follow. Called on the client's event thread.
 */
@FunctionalInterface
public interface ResyncListener {

    void onResync(String table, String reason);
}
