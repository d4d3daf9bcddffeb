package dev.butterbase.realtime.bench.target;

import dev.butterbase.realtime.bench.BenchException;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.rls.RlsMode;
import dev.butterbase.realtime.server.RealtimeServer;
import dev.butterbase.realtime.server.ServerConfig;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * The server started in this JVM on its embedded PostgreSQL, on an ephemeral loopback port, with its data in a
 * temporary directory that is deleted again (unless one was given).
 */
public final class InProcessTarget implements BenchTarget {

    private final RealtimeServer server;
    private final String adminKey;
    private final Path dataDir;
    private final boolean owned;
    private final boolean deleteDataDir;
    private final RlsMode rlsMode;

    private InProcessTarget(RealtimeServer server, String adminKey, Path dataDir, boolean owned, boolean deleteDataDir,
            RlsMode rlsMode) {
        this.server = server;
        this.adminKey = adminKey;
        this.dataDir = dataDir;
        this.owned = owned;
        this.deleteDataDir = deleteDataDir;
        this.rlsMode = rlsMode;
    }

    /** Starts a server; {@code dataDir} null means a fresh temporary directory. */
    public static InProcessTarget start(Path dataDir, RlsMode rlsMode, boolean notifyReader) {
        boolean temporary = dataDir == null;
        try {
            Path dir = temporary ? Files.createTempDirectory("butterbase-bench-") : dataDir;
            String key = "bench-" + UUID.randomUUID();
            RealtimeServer server = RealtimeServer.start(ServerConfig.builder()
                    .host("127.0.0.1").port(0).dataDir(dir).adminKey(key).rlsMode(rlsMode)
                    .changeReader(notifyReader ? ChangeReader.Kind.NOTIFY : null).build());
            return new InProcessTarget(server, key, dir, true, temporary, rlsMode);
        } catch (IOException | java.sql.SQLException e) {
            throw new BenchException("cannot start the in-process server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the server", e);
        }
    }

    /** A server someone else started and stops (tests share one). */
    public static InProcessTarget of(RealtimeServer server, String adminKey, Path dataDir, RlsMode rlsMode) {
        return new InProcessTarget(server, adminKey, dataDir, false, false, rlsMode);
    }

    @Override
    public String httpUrl() {
        return server.httpUrl();
    }

    @Override
    public String adminKey() {
        return adminKey;
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public String rlsMode() {
        return rlsMode.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public ResourceSampler resources() {
        Path pid = dataDir == null ? null : dataDir.resolve("pg").resolve("postmaster.pid");
        return ResourceSampler.inProcess(pid != null && Files.exists(pid) ? pid : null);
    }

    @Override
    public String describe() {
        return "in-process " + server.httpUrl() + " on " + server.databaseDescription();
    }

    @Override
    public void close() {
        if (!owned) {
            return;
        }
        server.close();
        if (deleteDataDir) {
            // the stopping postgres may still remove its own files meanwhile: try again briefly
            for (int attempt = 0; attempt < 5 && Files.exists(dataDir); attempt++) {
                deleteRecursively(dataDir, attempt == 4);
                if (Files.exists(dataDir)) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private static void deleteRecursively(Path dir, boolean warn) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            if (warn) {
                System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
            }
        }
    }
}
