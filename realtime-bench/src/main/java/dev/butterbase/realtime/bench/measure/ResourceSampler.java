package dev.butterbase.realtime.bench.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Samples the CPU and memory a run costs. In-process the server shares this JVM with the clients and writers,
 * so three figures are kept apart: the whole JVM, the JVM's threads that are not the harness's ({@code bench-*}
 * and {@code main}; this leaves out GC and JIT threads, which are not Java threads), and the PostgreSQL cluster
 * (postmaster, its live backends and the ones that ended). Against a remote server, a given server pid is read
 * from {@code /proc} instead and the other figures are absent.
 */
public final class ResourceSampler {

    /** One reading; absent values are -1. */
    public record Sample(long wallNanos, long jvmCpuMillis, long serverThreadsCpuMillis, long postgresCpuMillis, long rssBytes,
            long heapUsedBytes) {}

    private final boolean inProcess;
    private final long serverPid;
    private final Path postmasterPidFile;

    private ResourceSampler(boolean inProcess, long serverPid, Path postmasterPidFile) {
        this.inProcess = inProcess;
        this.serverPid = serverPid;
        this.postmasterPidFile = postmasterPidFile;
    }

    /** The server runs in this JVM; its embedded cluster's {@code postmaster.pid} is at {@code postmasterPidFile} (or null). */
    public static ResourceSampler inProcess(Path postmasterPidFile) {
        return new ResourceSampler(true, ProcessHandle.current().pid(), postmasterPidFile);
    }

    /** A server in another process; {@code serverPid} (or -1 when unknown) is read from /proc. */
    public static ResourceSampler remote(long serverPid) {
        return new ResourceSampler(false, serverPid, null);
    }

    public boolean inProcess() {
        return inProcess;
    }

    public boolean knowsServer() {
        return serverPid > 0 && ProcStat.available();
    }

    public Sample sample() {
        long wall = System.nanoTime();
        if (!inProcess) {
            return new Sample(wall, -1, serverPid > 0 ? ProcStat.cpuMillis(serverPid, false).orElse(-1) : -1, -1,
                    serverPid > 0 ? ProcStat.rssBytes(serverPid).orElse(-1) : -1, -1);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long jvm = os.getProcessCpuTime() / 1_000_000;
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Sample(wall, jvm, serverThreadsCpuMillis(), postgresCpuMillis(), ProcStat.rssBytes(serverPid).orElse(-1), heap);
    }

    private static long serverThreadsCpuMillis() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return -1;
        }
        long nanos = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || info.getThreadName().startsWith("bench-") || "main".equals(info.getThreadName())) {
                continue;
            }
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t > 0) {
                nanos += t;
            }
        }
        return nanos / 1_000_000;
    }

    private long postgresCpuMillis() {
        if (postmasterPidFile == null || !ProcStat.available()) {
            return -1;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(postmasterPidFile).get(0).trim());
            OptionalLong cpu = ProcStat.treeCpuMillis(pid);
            return cpu.orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU used between two samples, as percent of one core (null when unknown). */
    public static Double cpuPercent(long beforeMillis, long afterMillis, long wallNanos) {
        if (beforeMillis < 0 || afterMillis < 0 || wallNanos <= 0) {
            return null;
        }
        return Math.round((afterMillis - beforeMillis) * 1_000_000.0 / wallNanos * 100 * 10) / 10.0;
    }
}
