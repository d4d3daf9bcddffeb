package dev.butterbase.realtime.engine.rls;

import dev.butterbase.realtime.engine.identity.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What decides who may read a table's rows: its RLS switch, the roles' SELECT privilege and the SELECT
 * policies (those for {@code SELECT} or {@code ALL}) that apply to each role.
 */
public record TablePolicies(
        String table,
        boolean exists,
        boolean rlsEnabled,
        boolean userCanSelect,
        boolean anonCanSelect,
        List<Policy> policies,
        Map<String, String> columnTypes,
        java.util.Set<String> tablesWithRls) {

    /**
     * One policy as Postgres stores it.
     *
     * @param qual the USING expression as deparsed by {@code pg_get_expr}, or null (a policy without USING)
     * @param callsUserCode the expression depends on a user-defined function or operator (other than
     *                      {@code current_user_id()}) or on {@code current_setting}
     */
    public record Policy(String name, boolean permissive, boolean appliesToUser, boolean appliesToAnon, String qual,
            boolean callsUserCode) {
        boolean appliesTo(Role role) {
            return role == Role.USER ? appliesToUser : appliesToAnon;
        }
    }

    public static TablePolicies missing(String table) {
        return new TablePolicies(table, false, false, false, false, List.of(), Map.of(), java.util.Set.of());
    }

    /**
     * The row predicate Postgres would apply for {@code role}: the permissive policies OR-ed, AND-ed with every
     * restrictive one. Returns {@code "true"} when RLS is off, {@code null} when no row can be visible (no
     * SELECT privilege, or RLS on without a permissive policy).
     */
    public String predicate(Role role) {
        if (role == Role.SERVICE) {
            return "true";
        }
        if (!exists || !(role == Role.USER ? userCanSelect : anonCanSelect)) {
            return null;
        }
        if (!rlsEnabled) {
            return "true";
        }
        StringBuilder permissive = new StringBuilder();
        StringBuilder restrictive = new StringBuilder();
        for (Policy p : policies) {
            if (!p.appliesTo(role)) {
                continue;
            }
            String qual = p.qual() == null ? "true" : p.qual();
            StringBuilder target = p.permissive() ? permissive : restrictive;
            if (target.length() > 0) {
                target.append(p.permissive() ? " OR " : " AND ");
            }
            target.append('(').append(qual).append(')');
        }
        if (permissive.length() == 0) {
            return null;
        }
        return restrictive.length() == 0 ? "(" + permissive + ")" : "(" + permissive + ") AND " + restrictive;
    }

    /**
     * How {@code role}'s visibility is decided: in memory when every applicable policy is {@code true} or
     * {@code column = current_user_id()}, else by running {@link #predicate} inside Postgres.
     */
    public VisibilityPlan plan(Role role) {
        String predicate = predicate(role);
        if (predicate == null) {
            return new VisibilityPlan.Nothing();
        }
        if (predicate.equals("true")) {
            return new VisibilityPlan.Everything();
        }
        List<VisibilityPlan.Term> permissive = new ArrayList<>();
        List<VisibilityPlan.Term> restrictive = new ArrayList<>();
        for (Policy p : policies) {
            if (!p.appliesTo(role)) {
                continue;
            }
            VisibilityPlan.Term term = PolicyCompiler.compile(p.qual(), columnTypes);
            if (term == null) {
                return new VisibilityPlan.Sql(predicate);
            }
            (p.permissive() ? permissive : restrictive).add(term);
        }
        return new VisibilityPlan.InMemory(List.copyOf(permissive), List.copyOf(restrictive), indexColumn(permissive, restrictive));
    }

    /** The column when visibility is exactly "that column equals the user id". */
    private static String indexColumn(List<VisibilityPlan.Term> permissive, List<VisibilityPlan.Term> restrictive) {
        if (permissive.size() != 1 || !(permissive.get(0) instanceof VisibilityPlan.ColumnEqualsUser only)) {
            return null;
        }
        for (VisibilityPlan.Term t : restrictive) {
            boolean neutral = t instanceof VisibilityPlan.True
                    || (t instanceof VisibilityPlan.ColumnEqualsUser c && c.column().equals(only.column()));
            if (!neutral) {
                return null;
            }
        }
        return only.column();
    }
}
