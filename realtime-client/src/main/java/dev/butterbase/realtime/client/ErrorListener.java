package dev.butterbase.realtime.client;

/** Receives server errors that are not the answer to an {@code emit}. Called on the client's event thread. */
@FunctionalInterface
public interface ErrorListener {

    void onError(ServerError error);
}
