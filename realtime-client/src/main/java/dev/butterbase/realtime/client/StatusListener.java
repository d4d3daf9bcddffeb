package dev.butterbase.realtime.client;

/** Receives status changes. Called on the client's event thread. */
@FunctionalInterface
public interface StatusListener {

    void onStatus(StatusEvent event);
}
