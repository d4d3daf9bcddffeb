package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.tools.JsonSchemas.enumOf;
import static dev.butterbase.realtime.server.tools.JsonSchemas.freeObject;
import static dev.butterbase.realtime.server.tools.JsonSchemas.integer;
import static dev.butterbase.realtime.server.tools.JsonSchemas.object;
import static dev.butterbase.realtime.server.tools.JsonSchemas.string;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.identity.Role;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import dev.butterbase.realtime.engine.schema.TableCatalog;
import dev.butterbase.realtime.server.control.App;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code select_rows}: reads rows exactly as a role and user would, through RLS: the debugging aid for
 * "connected but no events" (spec §7).
 */
public final class SelectRowsTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AppAccess access;

    public SelectRowsTool(AppAccess access) {
        this.access = access;
    }

    @Override
    public String name() {
        return "select_rows";
    }

    @Override
    public String description() {
        return "Read rows of a table as the service role (bypasses RLS), as an end user (as_role user + as_user) or as "
                + "an anonymous client, through the table's Row-Level Security policies. where: {column: value} equality.";
    }

    @Override
    public ObjectNode inputSchema() {
        return object(new String[] {"app_id", "table", "as_role"},
                "app_id", string("The app."),
                "table", string("Table of schema public."),
                "where", freeObject("Equality filter {column: value}; null matches IS NULL."),
                "limit", integer("At most this many rows (default " + DEFAULT_LIMIT + ", max " + MAX_LIMIT + ")."),
                "as_role", enumOf("Whose eyes to read with.", "service", "user", "anon"),
                "as_user", string("as_role user: the user id (the JWT sub)."));
    }

    @Override
    public JsonNode call(JsonNode arguments) {
        ToolArguments args = ToolArguments.of(arguments)
                .allowOnly(Set.of("app_id", "table", "where", "limit", "as_role", "as_user"));
        App app = access.requireApp(args);
        SqlIdentifier table = args.requireIdentifier("table");
        Role role = switch (args.requireString("as_role")) {
            case "service" -> Role.SERVICE;
            case "user" -> Role.USER;
            case "anon" -> Role.ANON;
            default -> throw ToolArguments.invalid("as_role", "must be \"service\", \"user\" or \"anon\"");
        };
        String asUser = args.optionalString("as_user");
        if (role == Role.USER && asUser == null) {
            throw ToolException.validation("VALIDATION_MISSING_ARGUMENT", "as_role \"user\" needs \"as_user\"");
        }
        if (role != Role.USER && asUser != null) {
            throw ToolArguments.invalid("as_user", "is only meaningful with as_role \"user\"");
        }
        int limit = args.optionalInt("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        ObjectNode where = args.optionalObject("where");

        ArrayNode rows = JSON.createArrayNode();
        access.inTransaction(app, c -> {
            ManageRlsTool.requireTable(c, table);
            Set<String> columns = new java.util.HashSet<>();
            TableCatalog.columns(c, table.name()).forEach(col -> columns.add(col.name()));
            StringBuilder sql = new StringBuilder("SELECT to_jsonb(t)::text FROM ").append(table.qualifiedInPublic())
                    .append(" AS t");
            List<String> values = new ArrayList<>();
            if (where != null && !where.isEmpty()) {
                sql.append(" WHERE ");
                Iterator<Map.Entry<String, JsonNode>> it = where.fields();
                boolean first = true;
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    SqlIdentifier col = ToolArguments.identifier("where", e.getKey());
                    if (!columns.contains(col.name())) {
                        throw ToolException.validation("VALIDATION_COLUMN_NOT_FOUND",
                                "table \"" + table + "\" has no column \"" + col + "\"");
                    }
                    if (!first) {
                        sql.append(" AND ");
                    }
                    first = false;
                    JsonNode v = e.getValue();
                    if (v.isNull()) {
                        sql.append("t.").append(col.quoted()).append(" IS NULL");
                    } else if (v.isValueNode()) {
                        sql.append("t.").append(col.quoted()).append("::text = ?");
                        values.add(v.asText());
                    } else {
                        throw ToolArguments.invalid("where", "values must be strings, numbers, booleans or null");
                    }
                }
            }
            sql.append(" LIMIT ?");
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                if (role != Role.SERVICE) {
                    st.execute("SET LOCAL ROLE " + SqlIdentifier.quote(role.databaseRole()));
                }
            }
            if (role == Role.USER) {
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('request.jwt.claim.sub', ?, true)")) {
                    ps.setString(1, asUser);
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String v : values) {
                    ps.setString(i++, v);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(parse(rs.getString(1)));
                    }
                }
            }
            return null;
        });
        ObjectNode result = JSON.createObjectNode();
        result.set("rows", rows);
        result.put("count", rows.size());
        result.put("as_role", args.requireString("as_role"));
        return result;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Postgres returned invalid JSON", e);
        }
    }
}
