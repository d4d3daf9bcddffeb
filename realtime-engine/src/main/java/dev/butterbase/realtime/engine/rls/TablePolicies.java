package dev.butterbase.realtime.engine.rls;

import dev.butterbase.realtime.engine.identity.Role;
import java.util.List;

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
        List<Policy> policies) {

    /**
     * One policy as Postgres stores it.
     *
     * @param qual the USING expression as deparsed by {@code pg_get_expr}, or null (a policy without USING)
     */
    public record Policy(String name, boolean permissive, boolean appliesToUser, boolean appliesToAnon, String qual) {
        boolean appliesTo(Role role) {
            return role == Role.USER ? appliesToUser : appliesToAnon;
        }
    }

    public static TablePolicies missing(String table) {
        return new TablePolicies(table, false, false, false, false, List.of());
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
}
