package dev.butterbase.realtime.engine.rls;

/** How a pipeline decides which subscribers may see a change. */
public enum RlsMode {
    /** The engine's own evaluation path (policies over the captured row images, shared per identity). */
    ENGINE,
    /**
     * The specification's literal check (§5), per subscriber and per change, on the live table
     * ({@link NaiveRlsChecker}). A baseline for benchmarks, never for production.
     */
    NAIVE
}
