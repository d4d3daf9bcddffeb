package dev.butterbase.realtime.client;

/** A listener's registration; {@link #remove()} stops calls to it. */
@FunctionalInterface
public interface Registration {

    void remove();
}
