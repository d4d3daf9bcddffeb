package dev.butterbase.realtime.bench.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads CPU time and resident memory of processes from Linux {@code /proc}. Stateless; safe from any thread. */
public final class ProcStat {

    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path PROC = Path.of("/proc");

    private ProcStat() {}

    public static boolean available() {
        return Files.isReadable(PROC.resolve("self/stat"));
    }

    /**
     * CPU seconds of a process; with {@code reapedChildren}, plus those of its children that ended and were
     * waited for (a postmaster's finished backends).
     */
    public static OptionalLong cpuMillis(long pid, boolean reapedChildren) {
        String[] f = statFields(pid);
        if (f == null) {
            return OptionalLong.empty();
        }
        long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
        if (reapedChildren) {
            ticks += Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]);
        }
        return OptionalLong.of(Math.round(ticks * 1000 / TICKS_PER_SECOND));
    }

    /** CPU milliseconds of a process tree's root (with reaped children) and its live direct children. */
    public static OptionalLong treeCpuMillis(long rootPid) {
        OptionalLong root = cpuMillis(rootPid, true);
        if (root.isEmpty()) {
            return root;
        }
        long total = root.getAsLong();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                String[] f = statFields(pid);
                if (f != null && Long.parseLong(f[4 - 3]) == rootPid) {
                    total += cpuMillis(pid, true).orElse(0);
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(total);
    }

    /** Resident set size in bytes ({@code VmRSS}). */
    public static OptionalLong rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The fields of {@code /proc/<pid>/stat} after the command name, starting with field 3 (state); null if gone. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.US_ASCII);
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
