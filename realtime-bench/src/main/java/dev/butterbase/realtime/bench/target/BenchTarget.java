package dev.butterbase.realtime.bench.target;

import dev.butterbase.realtime.bench.measure.ResourceSampler;

/** The server a run drives: started in this JVM, or one already running elsewhere. */
public interface BenchTarget extends AutoCloseable {

    /** {@code http://host:port} */
    String httpUrl();

    String adminKey();

    /** Whether the server shares this JVM (its file descriptors and memory count with the clients'). */
    boolean inProcess();

    ResourceSampler resources();

    /** For the report: "engine" or "naive" when known (in-process), else what the server was configured with. */
    String rlsMode();

    /** For the report: where the server runs. */
    String describe();

    @Override
    void close();
}
