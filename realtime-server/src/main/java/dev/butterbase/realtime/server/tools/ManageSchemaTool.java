package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.tools.JsonSchemas.enumOf;
import static dev.butterbase.realtime.server.tools.JsonSchemas.object;
import static dev.butterbase.realtime.server.tools.JsonSchemas.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.schema.TableCatalog;
import dev.butterbase.realtime.server.control.App;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/** {@code manage_schema}: apply DDL to an app database in one transaction, and describe its tables. */
public final class ManageSchemaTool implements Tool {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Guards the control API against pasting a dump: DDL scripts beyond this are refused. */
    static final int MAX_SQL_CHARS = 1_000_000;

    private final AppAccess access;

    public ManageSchemaTool(AppAccess access) {
        this.access = access;
    }

    @Override
    public String name() {
        return "manage_schema";
    }

    @Override
    public String description() {
        return "apply: run SQL (DDL) on the app database in one transaction; on failure nothing is applied and the "
                + "Postgres message is returned. get: the tables of schema public with columns and primary keys.";
    }

    @Override
    public ObjectNode inputSchema() {
        return object(new String[] {"action", "app_id"},
                "action", enumOf("What to do.", "apply", "get"),
                "app_id", string("The app."),
                "sql", string("apply: the SQL script, run in one transaction."));
    }

    @Override
    public JsonNode call(JsonNode arguments) {
        ToolArguments args = ToolArguments.of(arguments);
        String action = args.requireString("action");
        return switch (action) {
            case "apply" -> apply(args.allowOnly(Set.of("action", "app_id", "sql")));
            case "get" -> get(args.allowOnly(Set.of("action", "app_id")));
            default -> throw ManageAppTool.unknownAction(action, "apply, get");
        };
    }

    private JsonNode apply(ToolArguments args) {
        App app = access.requireApp(args);
        String sql = args.requireString("sql");
        if (sql.length() > MAX_SQL_CHARS) {
            throw ToolArguments.invalid("sql", "is longer than " + MAX_SQL_CHARS + " characters");
        }
        try {
            access.inTransaction(app, c -> {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
                return null;
            });
        } finally {
            access.apps().schemaChanged(app);
        }
        return F.objectNode().put("applied", true);
    }

    private JsonNode get(ToolArguments args) {
        App app = access.requireApp(args);
        List<TableCatalog.Table> tables = access.withConnection(app, TableCatalog::tables);
        ObjectNode result = F.objectNode();
        ArrayNode out = result.putArray("tables");
        for (TableCatalog.Table t : tables) {
            ObjectNode tn = out.addObject();
            tn.put("table", t.name());
            tn.put("rls_enabled", t.rlsEnabled());
            ArrayNode cols = tn.putArray("columns");
            for (TableCatalog.Column col : t.columns()) {
                cols.addObject().put("name", col.name()).put("type", col.type()).put("nullable", col.nullable());
            }
            ArrayNode pk = tn.putArray("primary_key");
            t.primaryKey().forEach(pk::add);
        }
        return result;
    }
}
