package dev.butterbase.realtime.client;

/** Receives a table's changes, in commit order, each change id once. Called on the client's event thread. */
@FunctionalInterface
public interface ChangeListener {

    void onChange(Change change);
}
