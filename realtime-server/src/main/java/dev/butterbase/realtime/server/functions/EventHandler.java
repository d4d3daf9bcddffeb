package dev.butterbase.realtime.server.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.server.websocket.ClientMessageHandler;
import dev.butterbase.realtime.server.websocket.RealtimeConnection;
import dev.butterbase.realtime.server.websocket.ServerMessages;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code event} client message: calls every function of the app whose websocket trigger names the event and
 * answers with exactly one {@code event_result} (echoing {@code ref}) once all have answered, failed or timed
 * out. Only a message without a usable {@code event} name gets a plain {@code error} instead.
 *
 * <p>Runs on the connection's event loop and returns at once: calls run on the {@link FunctionInvoker}'s own
 * threads. Per connection, {@code event} messages are rate-limited by a token bucket and the events waiting for
 * their functions are bounded.
 */
public final class EventHandler implements ClientMessageHandler {

    static final int MAX_EVENT_NAME_LENGTH = 255;

    /** One connection's limits. */
    private static final class Quota {
        final TokenBucket bucket;
        final AtomicInteger inFlight = new AtomicInteger();

        Quota(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }

    private final FunctionRegistry registry;
    private final FunctionInvoker invoker;
    private final FunctionSettings settings;
    private final Clock clock;
    private final Map<RealtimeConnection, Quota> quotas = new ConcurrentHashMap<>();

    public EventHandler(FunctionRegistry registry, FunctionInvoker invoker, FunctionSettings settings, Clock clock) {
        this.registry = registry;
        this.invoker = invoker;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void handle(RealtimeConnection connection, ObjectNode message) {
        JsonNode eventNode = message.get("event");
        if (eventNode == null || !eventNode.isTextual() || eventNode.asText().isEmpty()
                || eventNode.asText().length() > MAX_EVENT_NAME_LENGTH) {
            connection.reply(message, ServerMessages.error("INVALID_MESSAGE",
                    "event needs a string \"event\" of 1 to " + MAX_EVENT_NAME_LENGTH + " characters"));
            return;
        }
        String event = eventNode.asText();
        JsonNode ref = message.get("ref");
        Quota quota = quotas.computeIfAbsent(connection,
                c -> new Quota(new TokenBucket(settings.eventsPerSecond(), settings.eventBurst(), System::nanoTime)));
        if (!quota.bucket.tryTake()) {
            connection.send(failure(ref, event, "RATE_LIMITED", "too many events: at most " + settings.eventBurst()
                    + " at once and " + settings.eventsPerSecond() + " per second per connection"));
            return;
        }
        List<AppFunction> functions = registry.forEvent(connection.appId(), event);
        if (functions.isEmpty()) {
            connection.send(failure(ref, event, "EVENT_NOT_FOUND", "no function of this app is triggered by event \""
                    + event + "\" (manage_functions create)"));
            return;
        }
        Identity identity = connection.identity();
        if (identity == null) {
            connection.send(failure(ref, event, "TOKEN_EXPIRED", "the connection's token expired"));
            return;
        }
        if (quota.inFlight.incrementAndGet() > settings.maxInFlightPerConnection()) {
            quota.inFlight.decrementAndGet();
            connection.send(failure(ref, event, "TOO_MANY_PENDING_EVENTS", "at most " + settings.maxInFlightPerConnection()
                    + " events per connection may wait for their functions at once"));
            return;
        }
        byte[] body = requestBody(connection, identity, event, message.get("payload"));
        List<CompletableFuture<FunctionOutcome>> calls = functions.stream().map(f -> invoker.invoke(f, body)).toList();
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((done, never) -> {
            quota.inFlight.decrementAndGet();
            connection.send(result(ref, event, calls.stream().map(CompletableFuture::join).toList()));
        });
    }

    private byte[] requestBody(RealtimeConnection connection, Identity identity, String event, JsonNode payload) {
        ObjectNode body = ServerMessages.JSON.createObjectNode();
        body.put("app_id", connection.appId());
        body.put("event", event);
        body.set("payload", payload == null ? NullNode.getInstance() : payload);
        body.put("client_id", connection.clientId());
        body.put("user_id", identity.userId());
        body.put("role", identity.role().wireName());
        body.put("timestamp", clock.instant().toString());
        try {
            return ServerMessages.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
    }

    /**
     * {@code status} is ok when every function succeeded; {@code result} maps each successful function's name to
     * its JSON answer; {@code error} is the first failure in name order (with {@code function}).
     */
    static ObjectNode result(JsonNode ref, String event, List<FunctionOutcome> outcomes) {
        ObjectNode msg = envelope(ref, event);
        ObjectNode results = ServerMessages.JSON.createObjectNode();
        ObjectNode error = null;
        for (FunctionOutcome o : outcomes) {
            if (o.succeeded()) {
                results.set(o.function(), o.result());
            } else if (error == null) {
                error = ServerMessages.JSON.createObjectNode().put("code", o.errorCode()).put("message", o.errorMessage())
                        .put("function", o.function());
                if (o.httpStatus() != 0) {
                    error.put("http_status", o.httpStatus());
                }
            }
        }
        msg.put("status", error == null ? "ok" : "error");
        if (!results.isEmpty()) {
            msg.set("result", results);
        }
        if (error != null) {
            msg.set("error", error);
        }
        return msg;
    }

    static ObjectNode failure(JsonNode ref, String event, String code, String message) {
        ObjectNode msg = envelope(ref, event).put("status", "error");
        msg.putObject("error").put("code", code).put("message", message);
        return msg;
    }

    private static ObjectNode envelope(JsonNode ref, String event) {
        ObjectNode msg = ServerMessages.message("event_result");
        if (ref != null && !ref.isNull()) {
            msg.set("ref", ref);
        }
        return msg.put("event", event);
    }

    @Override
    public void connectionClosed(RealtimeConnection connection) {
        quotas.remove(connection);
    }
}
