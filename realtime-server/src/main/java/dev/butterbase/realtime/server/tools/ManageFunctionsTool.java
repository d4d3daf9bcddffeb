package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.tools.JsonSchemas.enumOf;
import static dev.butterbase.realtime.server.tools.JsonSchemas.integer;
import static dev.butterbase.realtime.server.tools.JsonSchemas.object;
import static dev.butterbase.realtime.server.tools.JsonSchemas.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.functions.AppFunction;
import dev.butterbase.realtime.server.functions.FunctionRegistry;
import dev.butterbase.realtime.server.functions.WebhookSignature;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code manage_functions}: create, list and delete an app's functions: HTTP endpoints called with a signed POST
 * when a WebSocket client sends an {@code event} their trigger names.
 */
public final class ManageFunctionsTool implements Tool {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_EVENT_LENGTH = 255;

    private final AppAccess access;
    private final FunctionRegistry functions;
    private final Duration defaultTimeout;

    public ManageFunctionsTool(AppAccess access, FunctionRegistry functions, Duration defaultTimeout) {
        this.access = access;
        this.functions = functions;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public String name() {
        return "manage_functions";
    }

    @Override
    public String description() {
        return "create: register an HTTP endpoint called (signed POST, " + WebhookSignature.HEADER + ": sha256=<hex HMAC>) "
                + "when a WebSocket client sends {type:\"event\", event} matching trigger.config.event; returns the "
                + "signing secret once. list: the app's functions (without secrets). delete: remove one by name.";
    }

    @Override
    public ObjectNode inputSchema() {
        ObjectNode config = object(new String[] {"event"}, "event", string("The client event name that triggers the function."));
        ObjectNode trigger = object(new String[] {"type", "config"},
                "type", enumOf("The trigger type.", AppFunction.WEBSOCKET_TRIGGER),
                "config", config);
        trigger.put("description", "create: what triggers the function.");
        return object(new String[] {"action", "app_id"},
                "action", enumOf("What to do.", "create", "list", "delete"),
                "app_id", string("The app."),
                "name", string("create, delete: the function's name, 1-63 characters of A-Z a-z 0-9 _ -."),
                "url", string("create: the http(s) URL called with POST."),
                "trigger", trigger,
                "timeout_ms", integer("create: how long to wait for the answer, 1-" + FunctionRegistry.MAX_TIMEOUT_MS
                        + " (default " + defaultTimeout.toMillis() + ")."));
    }

    @Override
    public JsonNode call(JsonNode arguments) {
        ToolArguments args = ToolArguments.of(arguments);
        String action = args.requireString("action");
        return switch (action) {
            case "create" -> create(args.allowOnly(Set.of("action", "app_id", "name", "url", "trigger", "timeout_ms")));
            case "list" -> list(args.allowOnly(Set.of("action", "app_id")));
            case "delete" -> delete(args.allowOnly(Set.of("action", "app_id", "name")));
            default -> throw ManageAppTool.unknownAction(action, "create, list, delete");
        };
    }

    private JsonNode create(ToolArguments args) {
        App app = access.requireApp(args);
        String name = name(args);
        URI url = url(args.requireString("url"));
        String event = websocketEvent(args.optionalObject("trigger"));
        int timeoutMs = args.optionalInt("timeout_ms", (int) defaultTimeout.toMillis(), 1, FunctionRegistry.MAX_TIMEOUT_MS);
        if (functions.find(app.appId(), name).isPresent()) {
            throw exists(app, name);
        }
        try {
            return describe(functions.create(app.appId(), name, url, event, timeoutMs), true);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw exists(app, name);
            }
            throw SqlErrors.toToolException(e);
        }
    }

    private JsonNode list(ToolArguments args) {
        App app = access.requireApp(args);
        ObjectNode result = F.objectNode();
        ArrayNode out = result.putArray("functions");
        functions.list(app.appId()).forEach(f -> out.add(describe(f, false)));
        return result;
    }

    private JsonNode delete(ToolArguments args) {
        App app = access.requireApp(args);
        String name = name(args);
        try {
            if (!functions.delete(app.appId(), name)) {
                throw ToolException.notFound("FUNCTION_NOT_FOUND", "app " + app.appId() + " has no function \"" + name + "\"");
            }
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
        return F.objectNode().put("app_id", app.appId()).put("name", name).put("deleted", true);
    }

    private static ToolException exists(App app, String name) {
        return new ToolException("FUNCTION_EXISTS", 409, "app " + app.appId() + " already has a function \"" + name
                + "\"; delete it first to replace it");
    }

    private static String name(ToolArguments args) {
        String name = args.requireString("name");
        if (!NAME.matcher(name).matches()) {
            throw ToolArguments.invalid("name", "must be 1 to 63 characters of A-Z, a-z, 0-9, _ and -");
        }
        return name;
    }

    private static URI url(String value) {
        if (value.length() > MAX_URL_LENGTH) {
            throw ToolArguments.invalid("url", "must be at most " + MAX_URL_LENGTH + " characters");
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getFragment() != null) {
                throw ToolArguments.invalid("url", "must be an absolute http(s) URL with a host and no fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ToolArguments.invalid("url", "must be an absolute http(s) URL with a host and no fragment");
        }
    }

    /** {@code trigger: {type: "websocket", config: {event}}} → the event name. */
    private static String websocketEvent(ObjectNode trigger) {
        if (trigger == null) {
            throw ToolArguments.missing("trigger");
        }
        onlyKeys(trigger, "trigger", Set.of("type", "config"));
        JsonNode type = trigger.get("type");
        if (type == null || type.isNull()) {
            throw ToolArguments.missing("trigger.type");
        }
        if (!AppFunction.WEBSOCKET_TRIGGER.equals(type.asText()) || !type.isTextual()) {
            throw ToolArguments.invalid("trigger.type", "must be \"" + AppFunction.WEBSOCKET_TRIGGER + "\"");
        }
        JsonNode config = trigger.get("config");
        if (config == null || config.isNull()) {
            throw ToolArguments.missing("trigger.config");
        }
        if (!config.isObject()) {
            throw ToolArguments.invalid("trigger.config", "must be an object {event}");
        }
        onlyKeys((ObjectNode) config, "trigger.config", Set.of("event"));
        JsonNode event = config.get("event");
        if (event == null || event.isNull()) {
            throw ToolArguments.missing("trigger.config.event");
        }
        if (!event.isTextual() || event.asText().isEmpty() || event.asText().length() > MAX_EVENT_LENGTH) {
            throw ToolArguments.invalid("trigger.config.event", "must be a string of 1 to " + MAX_EVENT_LENGTH + " characters");
        }
        return event.asText();
    }

    private static void onlyKeys(ObjectNode node, String path, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw ToolException.validation("VALIDATION_UNKNOWN_ARGUMENT",
                        "unknown argument \"" + path + "." + key + "\"; expected one of " + allowed);
            }
        }
    }

    private static ObjectNode describe(AppFunction f, boolean withSecret) {
        ObjectNode n = F.objectNode();
        n.put("app_id", f.appId());
        n.put("name", f.name());
        n.put("url", f.url().toString());
        ObjectNode trigger = n.putObject("trigger");
        trigger.put("type", AppFunction.WEBSOCKET_TRIGGER);
        trigger.putObject("config").put("event", f.event());
        n.put("timeout_ms", f.timeoutMs());
        if (withSecret) {
            n.put("secret", f.secret());
            n.put("signature_header", WebhookSignature.HEADER);
        }
        n.put("created_at", f.createdAt().toString());
        return n;
    }
}
