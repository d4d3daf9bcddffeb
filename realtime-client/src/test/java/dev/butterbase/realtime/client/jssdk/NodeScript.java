package dev.butterbase.realtime.client.jssdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A node script of {@code clients/js} that speaks JSON lines: commands on its stdin, events and answers on its
 * stdout. Every line is recorded; waiting is done with Awaitility. Closing ends its stdin (the scripts exit then).
 */
final class NodeScript implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Where the JS client lives (the build passes it; the default fits a run from realtime-client/). */
    static final Path JS_DIR = Path.of(System.getProperty("butterbase.jsClientDir", "../clients/js")).toAbsolutePath().normalize();

    private final Process process;
    private final Writer stdin;
    private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private NodeScript(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), line -> {
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                lines.add(JSON.createObjectNode().put("event", "unparsable").put("text", line));
            }
        });
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr::add);
    }

    /** Starts {@code node <script> args…} in the JS client's directory. */
    static NodeScript start(String script, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(JS_DIR.toFile());
        pb.environment().putAll(env);
        try {
            return new NodeScript(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node (Node 20+ must be on the PATH)", e);
        }
    }

    private static void pump(BufferedReader reader, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (reader) {
                for (String line; (line = reader.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "node-script-reader");
        t.setDaemon(true);
        t.start();
    }

    /** Writes one command line. */
    void send(ObjectNode command) {
        try {
            stdin.write(command.toString() + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("the node script is gone" + diagnostics(), e);
        }
    }

    /** Sends a command with a fresh {@code id} and waits for its answer; fails with the script's error. */
    JsonNode call(ObjectNode command, Duration timeout) {
        int id = ids.incrementAndGet();
        send(command.put("id", id));
        JsonNode answer = await(m -> m.path("id").asInt(-1) == id, timeout);
        if (!answer.path("ok").asBoolean()) {
            throw new AssertionError(command.path("op").asText() + " " + command.path("expr").asText("") + " failed: "
                    + answer.path("error").asText() + diagnostics());
        }
        return answer.get("value");
    }

    /** Waits for the first line matching {@code p}. */
    JsonNode await(Predicate<JsonNode> p, Duration timeout) {
        JsonNode[] found = new JsonNode[1];
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
                for (JsonNode m : lines) {
                    if (p.test(m)) {
                        found[0] = m;
                        return true;
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the node script exited with " + process.exitValue() + diagnostics());
                }
                return false;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeout + diagnostics(), e);
        }
        return found[0];
    }

    List<JsonNode> lines() {
        return List.copyOf(lines);
    }

    /** What the script said, for failure messages. */
    String diagnostics() {
        List<JsonNode> all = lines();
        return "\n--- node stdout (last 30 lines) ---\n" + String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size())
                .stream().map(JsonNode::toString).toList()) + "\n--- node stderr ---\n" + String.join("\n", stderr);
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
