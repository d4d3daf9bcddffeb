package dev.butterbase.realtime.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Application listeners of one kind. Safe from any thread; one that throws is logged and never stops the others. */
final class Listeners<T> {

    private static final System.Logger LOG = System.getLogger(RealtimeClient.class.getName());

    private final List<T> listeners = new CopyOnWriteArrayList<>();

    Registration add(T listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void emit(Consumer<T> call) {
        for (T listener : listeners) {
            safely(() -> call.accept(listener));
        }
    }

    /** Runs application code; its exception is logged, never thrown into the client's event loop. */
    static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "a realtime client listener threw", e);
        }
    }
}
