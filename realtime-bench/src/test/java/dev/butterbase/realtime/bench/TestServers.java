package dev.butterbase.realtime.bench;

import dev.butterbase.realtime.bench.target.InProcessTarget;
import dev.butterbase.realtime.engine.rls.RlsMode;

/** In-process servers shared by the test classes of this JVM (one per RLS mode), stopped at JVM exit. */
final class TestServers {

    private static InProcessTarget engine;
    private static InProcessTarget naive;

    private TestServers() {}

    static synchronized InProcessTarget engine() {
        if (engine == null) {
            engine = start(RlsMode.ENGINE);
        }
        return engine;
    }

    static synchronized InProcessTarget naive() {
        if (naive == null) {
            naive = start(RlsMode.NAIVE);
        }
        return naive;
    }

    private static InProcessTarget start(RlsMode mode) {
        InProcessTarget target = InProcessTarget.start(null, mode, false);
        Runtime.getRuntime().addShutdownHook(new Thread(target::close, "bench-test-server-stop"));
        return target;
    }
}
