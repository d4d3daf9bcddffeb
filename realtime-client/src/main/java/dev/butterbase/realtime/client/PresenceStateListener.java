package dev.butterbase.realtime.client;

/** Receives full presence states. Called on the client's event thread. */
@FunctionalInterface
public interface PresenceStateListener {

    void onState(PresenceState state);
}
