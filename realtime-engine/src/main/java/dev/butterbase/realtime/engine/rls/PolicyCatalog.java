package dev.butterbase.realtime.engine.rls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and caches each table's RLS metadata for one app database. Entries live 60 s (the spec's cache time)
 * and are dropped at once by {@link #invalidate()}, which {@code configure} and every schema or policy change
 * call. Safe to use from any thread.
 */
public final class PolicyCatalog {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

    private static final String TABLE_SQL = "SELECT k.relrowsecurity, "
            + "has_table_privilege('butterbase_user', k.oid, 'SELECT'), has_table_privilege('butterbase_anon', k.oid, 'SELECT') "
            + "FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
            + "WHERE n.nspname = 'public' AND k.relname = ? AND k.relkind IN ('r', 'p')";

    private static final String POLICY_SQL = "SELECT p.polname, p.polpermissive, "
            + "(p.polroles = '{0}' OR EXISTS (SELECT 1 FROM unnest(p.polroles) r WHERE pg_has_role('butterbase_user', r, 'USAGE'))), "
            + "(p.polroles = '{0}' OR EXISTS (SELECT 1 FROM unnest(p.polroles) r WHERE pg_has_role('butterbase_anon', r, 'USAGE'))), "
            + "pg_get_expr(p.polqual, p.polrelid), "
            // user-defined functions or operators (other than current_user_id) may read the user: never multiplexed
            + "EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid "
            + "  AND ((d.refclassid = 'pg_proc'::regclass AND (d.refobjid >= 16384 AND d.refobjid <> coalesce(to_regprocedure('public.current_user_id()')::oid, 0) "
            + "        OR d.refobjid IN ('pg_catalog.current_setting(text)'::regprocedure, 'pg_catalog.current_setting(text, boolean)'::regprocedure))) "
            + "    OR (d.refclassid = 'pg_operator'::regclass AND d.refobjid >= 16384))) "
            + "FROM pg_policy p JOIN pg_class k ON k.oid = p.polrelid JOIN pg_namespace n ON n.oid = k.relnamespace "
            + "WHERE n.nspname = 'public' AND k.relname = ? AND p.polcmd IN ('r', '*') ORDER BY p.polname";

    private static final String COLUMN_SQL = "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            + "JOIN pg_class k ON k.oid = a.attrelid JOIN pg_namespace n ON n.oid = k.relnamespace "
            + "WHERE n.nspname = 'public' AND k.relname = ? AND a.attnum > 0 AND NOT a.attisdropped";

    private final Cache<String, TablePolicies> cache;
    private final Cache<String, VisibilityPlan> plans;
    private final Cache<String, java.util.Optional<Multiplexer.Query>> multiplexed;

    public PolicyCatalog(Duration ttl) {
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
        this.plans = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(30_000).build();
        this.multiplexed = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
    }

    /** The table's policies, from the cache or read on {@code c}. */
    public TablePolicies get(Connection c, String table) throws SQLException {
        TablePolicies cached = cache.getIfPresent(table);
        if (cached != null) {
            return cached;
        }
        TablePolicies loaded = load(c, table);
        cache.put(table, loaded);
        return loaded;
    }

    /** The role's compiled visibility plan for the table (cached alongside the policies). */
    public VisibilityPlan plan(Connection c, String table, dev.butterbase.realtime.engine.identity.Role role) throws SQLException {
        String key = table + '\0' + role.name();
        VisibilityPlan cached = plans.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        VisibilityPlan plan = get(c, table).plan(role);
        plans.put(key, plan);
        return plan;
    }

    /** The table's multiplexed query for butterbase_user, or empty when not provably equivalent (cached). */
    public java.util.Optional<Multiplexer.Query> multiplexedQuery(Connection c, String table) throws SQLException {
        java.util.Optional<Multiplexer.Query> cached = multiplexed.getIfPresent(table);
        if (cached != null) {
            return cached;
        }
        java.util.Optional<Multiplexer.Query> query = java.util.Optional.ofNullable(Multiplexer.query(get(c, table)));
        multiplexed.put(table, query);
        return query;
    }

    public void invalidate() {
        cache.invalidateAll();
        plans.invalidateAll();
        multiplexed.invalidateAll();
    }

    static TablePolicies load(Connection c, String table) throws SQLException {
        boolean rls;
        boolean userSelect;
        boolean anonSelect;
        try (PreparedStatement ps = c.prepareStatement(TABLE_SQL)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return TablePolicies.missing(table);
                }
                rls = rs.getBoolean(1);
                userSelect = rs.getBoolean(2);
                anonSelect = rs.getBoolean(3);
            }
        }
        List<TablePolicies.Policy> policies = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(POLICY_SQL)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    policies.add(new TablePolicies.Policy(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3),
                            rs.getBoolean(4), rs.getString(5), rs.getBoolean(6)));
                }
            }
        }
        java.util.Map<String, String> types = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMN_SQL)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        java.util.Set<String> rlsTables = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.relname FROM pg_class k JOIN pg_namespace n "
                + "ON n.oid = k.relnamespace WHERE n.nspname = 'public' AND k.relkind IN ('r', 'p') "
                + "AND (k.relrowsecurity OR k.relforcerowsecurity)");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rlsTables.add(rs.getString(1));
            }
        }
        return new TablePolicies(table, true, rls, userSelect, anonSelect, List.copyOf(policies), java.util.Map.copyOf(types),
                java.util.Set.copyOf(rlsTables));
    }
}
