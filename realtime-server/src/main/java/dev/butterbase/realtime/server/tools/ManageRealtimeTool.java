package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.tools.JsonSchemas.enumOf;
import static dev.butterbase.realtime.server.tools.JsonSchemas.object;
import static dev.butterbase.realtime.server.tools.JsonSchemas.string;
import static dev.butterbase.realtime.server.tools.JsonSchemas.stringArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.AppPipeline;
import dev.butterbase.realtime.engine.capture.CaptureSchema;
import dev.butterbase.realtime.engine.capture.ChangeReader;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import dev.butterbase.realtime.engine.schema.TableCatalog;
import dev.butterbase.realtime.server.control.App;
import dev.butterbase.realtime.server.control.ControlStore;
import dev.butterbase.realtime.server.control.RealtimeControl;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** {@code manage_realtime}: enable tables for realtime, inspect them, disable them. */
public final class ManageRealtimeTool implements Tool {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Tables per call: a guard against a runaway script, far above the spec's "one or two tables". */
    static final int MAX_TABLES = 100;

    private final AppAccess access;
    private final ControlStore store;
    private final RealtimeControl realtime;
    private final Function<String, String> websocketUrl;

    /** @param websocketUrl the URL clients should use for an app id */
    public ManageRealtimeTool(AppAccess access, ControlStore store, RealtimeControl realtime,
            Function<String, String> websocketUrl) {
        this.access = access;
        this.store = store;
        this.realtime = realtime;
        this.websocketUrl = websocketUrl;
    }

    @Override
    public String name() {
        return "manage_realtime";
    }

    @Override
    public String description() {
        return "configure: enable INSERT/UPDATE/DELETE streaming for tables (idempotent; repairs drift). get: each "
                + "table's state (enabled, trigger_installed, drift), whether the change reader is connected, and the "
                + "WebSocket URL. disable: stop streaming tables.";
    }

    @Override
    public ObjectNode inputSchema() {
        return object(new String[] {"action", "app_id"},
                "action", enumOf("What to do.", "configure", "get", "disable"),
                "app_id", string("The app."),
                "tables", stringArray("configure, disable: table names of schema public."));
    }

    @Override
    public JsonNode call(JsonNode arguments) {
        ToolArguments args = ToolArguments.of(arguments);
        String action = args.requireString("action");
        return switch (action) {
            case "configure" -> configure(args.allowOnly(Set.of("action", "app_id", "tables")));
            case "get" -> get(args.allowOnly(Set.of("action", "app_id")));
            case "disable" -> disable(args.allowOnly(Set.of("action", "app_id", "tables")));
            default -> throw ManageAppTool.unknownAction(action, "configure, get, disable");
        };
    }

    private static List<SqlIdentifier> tables(ToolArguments args) {
        List<String> names = args.requireStringList("tables");
        if (names.size() > MAX_TABLES) {
            throw ToolArguments.invalid("tables", "names more than " + MAX_TABLES + " tables");
        }
        Set<SqlIdentifier> unique = new LinkedHashSet<>();
        for (String n : names) {
            unique.add(ToolArguments.identifier("tables", n));
        }
        return new ArrayList<>(unique);
    }

    private JsonNode configure(ToolArguments args) {
        App app = access.requireApp(args);
        List<SqlIdentifier> tables = tables(args);
        Set<String> enabled = realtime.enabledTables(app.appId());
        Map<String, String> status = new LinkedHashMap<>();
        access.inTransaction(app, c -> {
            for (SqlIdentifier t : tables) {
                if (!TableCatalog.exists(c, t.name())) {
                    throw ToolException.validation("VALIDATION_TABLE_NOT_FOUND",
                            "table \"" + t + "\" does not exist in schema public");
                }
                if (TableCatalog.primaryKey(c, t.name()).isEmpty()) {
                    throw ToolException.validation("VALIDATION_NO_PRIMARY_KEY",
                            "table \"" + t + "\" has no primary key; realtime needs one");
                }
            }
            CaptureSchema.install(c, realtime.readerFor(c) == ChangeReader.Kind.NOTIFY);
            for (SqlIdentifier t : tables) {
                if (enabled.contains(t.name()) && CaptureSchema.triggerInstalled(c, t.name())) {
                    status.put(t.name(), "already_enabled");
                } else {
                    CaptureSchema.enable(c, t);
                    status.put(t.name(), "enabled");
                }
            }
            return null;
        });
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            for (Map.Entry<String, String> e : status.entrySet()) {
                if ("enabled".equals(e.getValue())) {
                    store.upsertRealtimeTable(app.appId(), e.getKey(), now);
                }
            }
        } catch (SQLException e) {
            throw new ToolException("INTERNAL", 500, "the triggers are installed but the control database could not "
                    + "record them; run configure again: " + e.getMessage(), e);
        }
        realtime.tablesEnabled(app, status.keySet());
        ArrayNode result = F.arrayNode();
        status.forEach((table, s) -> result.addObject().put("table", table).put("status", s));
        return result;
    }

    private JsonNode get(ToolArguments args) {
        App app = access.requireApp(args);
        List<ControlStore.RealtimeTable> configured;
        try {
            configured = store.realtimeTables(app.appId());
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
        ObjectNode result = F.objectNode();
        ArrayNode out = result.putArray("tables");
        Map<String, Boolean> installed = new LinkedHashMap<>();
        String databaseError = null;
        try {
            access.withConnection(app, c -> {
                for (ControlStore.RealtimeTable t : configured) {
                    installed.put(t.tableName(), CaptureSchema.triggerInstalled(c, t.tableName()));
                }
                return null;
            });
        } catch (ToolException e) {
            if (!"DATABASE_UNAVAILABLE".equals(e.code())) {
                throw e;
            }
            databaseError = e.getMessage(); // still answer: the control plane knows what is enabled
        }
        for (ControlStore.RealtimeTable t : configured) {
            ObjectNode n = out.addObject().put("table_name", t.tableName()).put("enabled", true);
            Boolean trigger = installed.get(t.tableName());
            if (trigger == null) {
                n.putNull("trigger_installed");
                n.putNull("drift");
            } else {
                n.put("trigger_installed", trigger).put("drift", !trigger);
            }
            n.put("created_at", t.createdAt().toString()).put("updated_at", t.updatedAt().toString());
        }
        if (databaseError != null) {
            result.put("database_error", databaseError);
        }
        result.put("active_connection", realtime.pipeline(app.appId()).map(AppPipeline::connected).orElse(false));
        result.put("websocket_url", websocketUrl.apply(app.appId()));
        return result;
    }

    private JsonNode disable(ToolArguments args) {
        App app = access.requireApp(args);
        List<SqlIdentifier> tables = tables(args);
        Set<String> enabled = realtime.enabledTables(app.appId());
        Map<String, String> status = new LinkedHashMap<>();
        access.inTransaction(app, c -> {
            for (SqlIdentifier t : tables) {
                CaptureSchema.disable(c, t);
                status.put(t.name(), enabled.contains(t.name()) ? "disabled" : "not_enabled");
            }
            return null;
        });
        try {
            for (SqlIdentifier t : tables) {
                store.deleteRealtimeTable(app.appId(), t.name());
            }
        } catch (SQLException e) {
            throw SqlErrors.toToolException(e);
        }
        realtime.tablesDisabled(app, status.keySet());
        ArrayNode result = F.arrayNode();
        status.forEach((table, s) -> result.addObject().put("table", table).put("status", s));
        return result;
    }
}
