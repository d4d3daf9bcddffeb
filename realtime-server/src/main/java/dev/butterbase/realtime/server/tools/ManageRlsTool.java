package dev.butterbase.realtime.server.tools;

import static dev.butterbase.realtime.server.tools.JsonSchemas.bool;
import static dev.butterbase.realtime.server.tools.JsonSchemas.enumOf;
import static dev.butterbase.realtime.server.tools.JsonSchemas.object;
import static dev.butterbase.realtime.server.tools.JsonSchemas.string;
import static dev.butterbase.realtime.server.tools.JsonSchemas.stringArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.butterbase.realtime.engine.schema.SqlExpressionGuard;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import dev.butterbase.realtime.engine.schema.TableCatalog;
import dev.butterbase.realtime.server.control.App;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/** {@code manage_rls}: Row-Level Security policies on an app's tables. */
public final class ManageRlsTool implements Tool {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> COMMANDS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "ALL");
    private static final Set<String> ROLES = Set.of("butterbase_user", "butterbase_anon", "public");

    private final AppAccess access;

    public ManageRlsTool(AppAccess access) {
        this.access = access;
    }

    @Override
    public String name() {
        return "manage_rls";
    }

    @Override
    public String description() {
        return "Row-Level Security. create_user_isolation: each butterbase_user sees only rows whose user_column equals "
                + "their user id. create_policy: a custom policy (enables RLS on the table). list, drop_policy.";
    }

    @Override
    public ObjectNode inputSchema() {
        return object(new String[] {"action", "app_id"},
                "action", enumOf("What to do.", "create_user_isolation", "create_policy", "list", "drop_policy"),
                "app_id", string("The app."),
                "table", string("Table of schema public."),
                "user_column", string("create_user_isolation: the column holding the owner's user id."),
                "name", string("create_policy, drop_policy: the policy name."),
                "command", enumOf("create_policy: the command it applies to.", "SELECT", "INSERT", "UPDATE", "DELETE", "ALL"),
                "roles", stringArray("create_policy: butterbase_user, butterbase_anon and/or public."),
                "using", string("create_policy: the USING expression, e.g. user_id = current_user_id()."),
                "with_check", string("create_policy: the WITH CHECK expression."),
                "permissive", bool("create_policy: true (default) for PERMISSIVE, false for RESTRICTIVE."));
    }

    @Override
    public JsonNode call(JsonNode arguments) {
        ToolArguments args = ToolArguments.of(arguments);
        String action = args.requireString("action");
        return switch (action) {
            case "create_user_isolation" -> userIsolation(args.allowOnly(Set.of("action", "app_id", "table", "user_column")));
            case "create_policy" -> createPolicy(args.allowOnly(
                    Set.of("action", "app_id", "table", "name", "command", "roles", "using", "with_check", "permissive")));
            case "list" -> list(args.allowOnly(Set.of("action", "app_id", "table")));
            case "drop_policy" -> dropPolicy(args.allowOnly(Set.of("action", "app_id", "table", "name")));
            default -> throw ManageAppTool.unknownAction(action, "create_user_isolation, create_policy, list, drop_policy");
        };
    }

    private JsonNode userIsolation(ToolArguments args) {
        App app = access.requireApp(args);
        SqlIdentifier table = args.requireIdentifier("table");
        SqlIdentifier column = args.requireIdentifier("user_column");
        String predicate = column.quoted() + "::text = public.current_user_id()";
        String[][] policies = {
            {"user_isolation_select", "SELECT", "USING (" + predicate + ")"},
            {"user_isolation_insert", "INSERT", "WITH CHECK (" + predicate + ")"},
            {"user_isolation_update", "UPDATE", "USING (" + predicate + ") WITH CHECK (" + predicate + ")"},
            {"user_isolation_delete", "DELETE", "USING (" + predicate + ")"},
        };
        ArrayNode names = F.arrayNode();
        access.inTransaction(app, c -> {
            requireTable(c, table);
            boolean columnExists = TableCatalog.columns(c, table.name()).stream().anyMatch(col -> col.name().equals(column.name()));
            if (!columnExists) {
                throw ToolException.validation("VALIDATION_COLUMN_NOT_FOUND",
                        "table \"" + table + "\" has no column \"" + column + "\"");
            }
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + table.qualifiedInPublic() + " ENABLE ROW LEVEL SECURITY");
                for (String[] p : policies) {
                    String name = SqlIdentifier.quote(p[0]);
                    st.execute("DROP POLICY IF EXISTS " + name + " ON " + table.qualifiedInPublic());
                    st.execute("CREATE POLICY " + name + " ON " + table.qualifiedInPublic() + " FOR " + p[1]
                            + " TO butterbase_user " + p[2]);
                    names.add(p[0]);
                }
            }
            return null;
        });
        access.apps().schemaChanged(app);
        ObjectNode result = F.objectNode().put("table", table.name()).put("user_column", column.name());
        result.set("policies", names);
        return result;
    }

    private JsonNode createPolicy(ToolArguments args) {
        App app = access.requireApp(args);
        SqlIdentifier table = args.requireIdentifier("table");
        SqlIdentifier name = args.requireIdentifier("name");
        String command = args.requireString("command").toUpperCase(Locale.ROOT);
        if (!COMMANDS.contains(command)) {
            throw ToolArguments.invalid("command", "must be one of SELECT, INSERT, UPDATE, DELETE, ALL");
        }
        List<String> roles = args.requireStringList("roles");
        StringJoiner roleList = new StringJoiner(", ");
        for (String role : roles) {
            if (!ROLES.contains(role)) {
                throw ToolArguments.invalid("roles", "may contain only butterbase_user, butterbase_anon and public");
            }
            roleList.add("public".equals(role) ? "PUBLIC" : SqlIdentifier.quote(role));
        }
        String using = expression(args, "using");
        String withCheck = expression(args, "with_check");
        if (using == null && withCheck == null) {
            throw ToolException.validation("VALIDATION_MISSING_ARGUMENT", "a policy needs \"using\" or \"with_check\"");
        }
        boolean permissive = args.optionalBoolean("permissive", true);
        StringBuilder sql = new StringBuilder("CREATE POLICY ").append(name.quoted()).append(" ON ")
                .append(table.qualifiedInPublic()).append(permissive ? " AS PERMISSIVE" : " AS RESTRICTIVE")
                .append(" FOR ").append(command).append(" TO ").append(roleList);
        if (using != null) {
            sql.append(" USING (").append(using).append(')');
        }
        if (withCheck != null) {
            sql.append(" WITH CHECK (").append(withCheck).append(')');
        }
        access.inTransaction(app, c -> {
            requireTable(c, table);
            try (Statement st = c.createStatement()) {
                // the expression guard reads quotes as standard SQL does: make sure Postgres does too
                st.execute("SET LOCAL standard_conforming_strings = on");
                st.execute("ALTER TABLE " + table.qualifiedInPublic() + " ENABLE ROW LEVEL SECURITY");
                st.execute(sql.toString());
            }
            return null;
        });
        access.apps().schemaChanged(app);
        return F.objectNode().put("table", table.name()).put("policy", name.name()).put("created", true);
    }

    private static String expression(ToolArguments args, String name) {
        String expr = args.optionalString(name);
        if (expr == null) {
            return null;
        }
        String problem = SqlExpressionGuard.problem(expr);
        if (problem != null) {
            throw ToolException.validation("VALIDATION_INVALID_EXPRESSION", "\"" + name + "\" " + problem);
        }
        return expr;
    }

    private JsonNode list(ToolArguments args) {
        App app = access.requireApp(args);
        String table = args.has("table") ? args.requireIdentifier("table").name() : null;
        ObjectNode result = F.objectNode();
        ArrayNode out = result.putArray("policies");
        access.withConnection(app, c -> {
            if (table != null) {
                requireTable(c, SqlIdentifier.of(table));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT tablename, policyname, permissive, roles, cmd, qual, "
                    + "with_check FROM pg_policies WHERE schemaname = 'public' AND (?::text IS NULL OR tablename = ?) "
                    + "ORDER BY tablename, policyname")) {
                ps.setString(1, table);
                ps.setString(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode p = out.addObject();
                        p.put("table", rs.getString(1));
                        p.put("name", rs.getString(2));
                        p.put("permissive", "PERMISSIVE".equals(rs.getString(3)));
                        ArrayNode roles = p.putArray("roles");
                        Array arr = rs.getArray(4);
                        for (String r : (String[]) arr.getArray()) {
                            roles.add(r);
                        }
                        p.put("command", rs.getString(5));
                        p.put("using", rs.getString(6));
                        p.put("with_check", rs.getString(7));
                    }
                }
            }
            return null;
        });
        return result;
    }

    private JsonNode dropPolicy(ToolArguments args) {
        App app = access.requireApp(args);
        SqlIdentifier table = args.requireIdentifier("table");
        SqlIdentifier name = args.requireIdentifier("name");
        access.inTransaction(app, c -> {
            requireTable(c, table);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND tablename = ? AND policyname = ?")) {
                ps.setString(1, table.name());
                ps.setString(2, name.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ToolException.notFound("POLICY_NOT_FOUND",
                                "table \"" + table + "\" has no policy \"" + name + "\"");
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("DROP POLICY " + name.quoted() + " ON " + table.qualifiedInPublic());
            }
            return null;
        });
        access.apps().schemaChanged(app);
        return F.objectNode().put("table", table.name()).put("policy", name.name()).put("dropped", true);
    }

    static void requireTable(Connection c, SqlIdentifier table) throws SQLException {
        if (!TableCatalog.exists(c, table.name())) {
            throw tableNotFound(table.name());
        }
    }

    static ToolException tableNotFound(String table) {
        return ToolException.validation("VALIDATION_TABLE_NOT_FOUND", "table \"" + table + "\" does not exist in schema public");
    }
}
