package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.tools.JsonSchemas.bool;
import static dev.butterbase.realtime.server.tools.JsonSchemas.enumOf;
import static dev.butterbase.realtime.server.tools.JsonSchemas.integer;
import static dev.butterbase.realtime.server.tools.JsonSchemas.object;
import static dev.butterbase.realtime.server.tools.JsonSchemas.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.server.control.AccessMode;
import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.control.AppService;
import dev.butterbase.realtime.server.control.Plan;
import dev.butterbase.realtime.server.control.PostgresUrl;
import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/** {@code manage_app}: create, get, list, update and delete apps. */
public final class ManageAppTool implements Tool {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final AppAccess access;
    private final Plan defaultPlan;

    /** @param defaultPlan the plan of apps created without one */
    public ManageAppTool(AppAccess access, Plan defaultPlan) {
        this.access = access;
        this.defaultPlan = defaultPlan;
    }

    @Override
    public String name() {
        return "manage_app";
    }

    @Override
    public String description() {
        return "Create, inspect, list, update and delete apps. Each app has its own Postgres database, an access mode "
                + "(public | authenticated), a plan, an HS256 JWT secret and a service key.";
    }

    @Override
    public ObjectNode inputSchema() {
        ObjectNode plan = object(new String[0],
                "realtime_enabled", bool("Whether WebSocket clients may connect (default true)."),
                "max_realtime_listeners", integer("Concurrent WebSocket connections allowed (default 1000)."),
                "change_retention_seconds", integer("How long changes are kept for clients resuming with since "
                        + "(default: the server's --change-retention, 600)."),
                "change_retention_max_changes", integer("At most this many changes kept; 0 (default) = no size limit."));
        plan.put("description", "Plan limits.");
        return object(new String[] {"action"},
                "action", enumOf("What to do.", "create", "get", "list", "update", "delete"),
                "app_id", string("The app (get, update, delete)."),
                "name", string("Display name (create, update)."),
                "access_mode", enumOf("Who may connect without a token (create, update).", "public", "authenticated"),
                "database_url", string("create only: use this existing database (postgres://user:pass@host:port/db) "
                        + "instead of creating one on the server's cluster."),
                "jwks_url", string("update: JWKS URL of an external identity provider whose RS256/ES256 tokens are "
                        + "accepted; empty string removes it."),
                "plan", plan);
    }

    @Override
    public JsonNode call(JsonNode arguments) {
        ToolArguments args = ToolArguments.of(arguments);
        String action = args.requireString("action");
        return switch (action) {
            case "create" -> create(args.allowOnly(Set.of("action", "name", "access_mode", "database_url", "plan")));
            case "get" -> describe(access.requireApp(args.allowOnly(Set.of("action", "app_id"))), true);
            case "list" -> list(args.allowOnly(Set.of("action")));
            case "update" -> update(args.allowOnly(Set.of("action", "app_id", "name", "access_mode", "plan", "jwks_url")));
            case "delete" -> delete(args.allowOnly(Set.of("action", "app_id")));
            default -> throw unknownAction(action, "create, get, list, update, delete");
        };
    }

    static ToolException unknownAction(String action, String expected) {
        return ToolException.validation("VALIDATION_UNKNOWN_ACTION",
                "unknown action \"" + action + "\"; expected one of: " + expected);
    }

    private JsonNode create(ToolArguments args) {
        String name = args.optionalString("name");
        AccessMode mode = accessMode(args, AccessMode.AUTHENTICATED);
        Plan plan = plan(args.optionalObject("plan"), defaultPlan);
        String databaseUrl = args.optionalString("database_url");
        if (databaseUrl != null) {
            try {
                PostgresUrl.parse(databaseUrl);
            } catch (IllegalArgumentException e) {
                throw ToolArguments.invalid("database_url", e.getMessage());
            }
        }
        try {
            return describe(access.apps().create(name, mode, plan, databaseUrl, null), true);
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
    }

    private JsonNode list(ToolArguments args) {
        ObjectNode result = F.objectNode();
        ArrayNode apps = result.putArray("apps");
        for (App app : access.apps().all()) {
            apps.add(describe(app, false));
        }
        return result;
    }

    private JsonNode update(ToolArguments args) {
        App app = access.requireApp(args);
        String name = args.has("name") ? args.requireString("name") : app.name();
        AccessMode mode = accessMode(args, app.accessMode());
        Plan plan = plan(args.optionalObject("plan"), app.plan());
        String jwksUrl = app.jwksUrl();
        if (args.has("jwks_url")) {
            String given = args.optionalStringOrEmpty("jwks_url");
            jwksUrl = given.isEmpty() ? null : validJwksUrl(given);
        }
        try {
            App updated = access.apps().update(app.withSettings(name, mode, plan, jwksUrl,
                    Instant.now().truncatedTo(ChronoUnit.MICROS)));
            return describe(updated, true);
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
    }

    private static String validJwksUrl(String url) {
        try {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an http(s) URL");
            }
            return url;
        } catch (IllegalArgumentException e) {
            throw ToolArguments.invalid("jwks_url", "must be an http(s) URL");
        }
    }

    private JsonNode delete(ToolArguments args) {
        App app = access.requireApp(args);
        try {
            access.apps().delete(app);
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
        return F.objectNode().put("app_id", app.appId()).put("deleted", true);
    }

    private static AccessMode accessMode(ToolArguments args, AccessMode fallback) {
        String value = args.optionalString("access_mode");
        if (value == null) {
            return fallback;
        }
        try {
            return AccessMode.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw ToolArguments.invalid("access_mode", "must be \"public\" or \"authenticated\"");
        }
    }

    private static Plan plan(ObjectNode node, Plan fallback) {
        if (node == null) {
            return fallback;
        }
        ToolArguments p = ToolArguments.of(node).allowOnly(Set.of("realtime_enabled", "max_realtime_listeners",
                "change_retention_seconds", "change_retention_max_changes"));
        return new Plan(p.optionalBoolean("realtime_enabled", fallback.realtimeEnabled()),
                p.optionalInt("max_realtime_listeners", fallback.maxRealtimeListeners(), 0, Plan.MAX_LISTENERS_CEILING),
                p.optionalInt("change_retention_seconds", fallback.changeRetentionSeconds(), Plan.MIN_RETENTION_SECONDS,
                        Plan.MAX_RETENTION_SECONDS),
                p.optionalInt("change_retention_max_changes", (int) Math.min(Integer.MAX_VALUE, fallback.changeRetentionMaxChanges()),
                        0, Integer.MAX_VALUE));
    }

    private ObjectNode describe(App app, boolean withSecrets) {
        ObjectNode n = F.objectNode();
        n.put("app_id", app.appId());
        n.put("name", app.name());
        n.put("access_mode", app.accessMode().wireName());
        ObjectNode plan = n.putObject("plan");
        plan.put("realtime_enabled", app.plan().realtimeEnabled());
        plan.put("max_realtime_listeners", app.plan().maxRealtimeListeners());
        plan.put("change_retention_seconds", app.plan().changeRetentionSeconds());
        plan.put("change_retention_max_changes", app.plan().changeRetentionMaxChanges());
        if (withSecrets) {
            n.put("service_key", app.serviceKey());
            n.put("jwt_secret", app.jwtSecret());
            n.put("database_url", access.apps().databases().urlOf(app).toUrlWithPassword());
        }
        n.put("jwks_url", app.jwksUrl());
        n.put("created_at", app.createdAt().toString());
        n.put("updated_at", app.updatedAt().toString());
        return n;
    }
}
