package dev.butterbase.realtime.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code event} messages waiting for their {@code event_result}, by ref. Events are not idempotent: one sent on a
 * connection that drops fails with {@code CONNECTION_LOST} and is never sent again; one not sent yet waits for the
 * next connection. Used on the client's event thread only.
 */
final class PendingEmits {

    private static final class Pending {
        final ObjectNode message;
        final CompletableFuture<JsonNode> future;
        final ScheduledFuture<?> timeout;
        boolean sent;

        Pending(ObjectNode message, CompletableFuture<JsonNode> future, ScheduledFuture<?> timeout) {
            this.message = message;
            this.future = future;
            this.timeout = timeout;
        }
    }

    private final ScheduledExecutorService loop;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    PendingEmits(ScheduledExecutorService loop) {
        this.loop = loop;
    }

    void add(String ref, ObjectNode message, CompletableFuture<JsonNode> future, Duration timeout) {
        ScheduledFuture<?> timer = loop.schedule(() -> fail(ref, new RealtimeException("TIMEOUT",
                "no result for event \"" + message.path("event").asText() + "\" within " + timeout.toMillis() + " ms", null)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(ref, new Pending(message, future, timer));
    }

    /** Messages not sent yet, in order; marks them sent. */
    List<ObjectNode> takeUnsent() {
        List<ObjectNode> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (!p.sent) {
                p.sent = true;
                out.add(p.message);
            }
        }
        return out;
    }

    boolean has(String ref) {
        return ref != null && pending.containsKey(ref);
    }

    void complete(String ref, JsonNode result) {
        Pending p = take(ref);
        if (p != null) {
            p.future.complete(result);
        }
    }

    void fail(String ref, RealtimeException error) {
        Pending p = take(ref);
        if (p != null) {
            p.future.completeExceptionally(error);
        }
    }

    /** The connection dropped: what was sent has no answer coming. */
    void failSent() {
        for (String ref : List.copyOf(pending.keySet())) {
            Pending p = pending.get(ref);
            if (p.sent) {
                fail(ref, new RealtimeException("CONNECTION_LOST", "the connection dropped before the result of event \""
                        + p.message.path("event").asText() + "\"; it may or may not have run", null));
            }
        }
    }

    void failAll(RealtimeException error) {
        for (String ref : List.copyOf(pending.keySet())) {
            fail(ref, error);
        }
    }

    private Pending take(String ref) {
        Pending p = ref == null ? null : pending.remove(ref);
        if (p != null) {
            p.timeout.cancel(false);
        }
        return p;
    }
}
