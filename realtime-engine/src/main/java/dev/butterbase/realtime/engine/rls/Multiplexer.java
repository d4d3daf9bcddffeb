package dev.butterbase.realtime.engine.rls;

import dev.butterbase.realtime.engine.identity.Role;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a table's {@code butterbase_user} policies so that ONE query answers for every subscribed user of a
 * burst: {@code current_user_id()} becomes a column of a set of user ids joined against the change images.
 *
 * <p>Only rewrites that are provably equivalent to evaluating the policies per user are made; anything else
 * returns null and the caller checks per user. Admitted, per policy (from Postgres' deparsed text):
 * <ul>
 * <li>{@code <column expr> = current_user_id()} (either side): the user id column replaces the call;</li>
 * <li>{@code <column> IN ( SELECT <t>.<c> FROM <t> [alias] WHERE (<t>.<c2> = current_user_id()))} where
 *     {@code <t>} is a table of schema public WITHOUT RLS of its own (a table with RLS would be filtered by its
 *     own policies as each user, which a shared query cannot reproduce): rewritten to an {@code EXISTS}
 *     semi-join so the planner can decorrelate it. In the positive positions where policies stand (each
 *     permissive policy is a UNION branch, restrictive ones are AND-ed) {@code IN} and this {@code EXISTS}
 *     select the same rows, NULLs included;</li>
 * <li>expressions that do not mention the user at all and call no user-defined function or operator.</li>
 * </ul>
 * A policy that calls user code or {@code current_setting} is never rewritten.
 */
final class Multiplexer {

    static final String USERS = "\"__bb_u\"";
    private static final String CURRENT_USER_ID = "(?:public\\.)?current_user_id\\(\\)";
    private static final Pattern ISOLATION = Pattern.compile(
            "^(\\(?[a-z_][a-z0-9_]*\\)?(?:::text)?) = " + CURRENT_USER_ID + "$|^" + CURRENT_USER_ID
                    + " = (\\(?[a-z_][a-z0-9_]*\\)?(?:::text)?)$");
    private static final Pattern MEMBERSHIP = Pattern.compile("^([a-z_][a-z0-9_]*) IN \\( SELECT ([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*)"
            + " FROM (?:public\\.)?([a-z_][a-z0-9_]*)(?: ([a-z_][a-z0-9_]*))?"
            + " WHERE \\(([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*) = " + CURRENT_USER_ID + "\\)\\)$");

    private Multiplexer() {}

    /** The SQL and its number of UNION branches; each branch binds (images text[], user ids text[]). */
    record Query(String sql, int branches) {}

    /**
     * The multiplexed query for {@code butterbase_user}: parameters are the images (text[]) and the user ids
     * (text[]); it returns (image ordinal, user ordinal) pairs that are visible. Null when not provably equivalent.
     */
    static Query query(TablePolicies policies) {
        if (!policies.exists() || !policies.userCanSelect() || !policies.rlsEnabled()) {
            return null;
        }
        List<String> permissive = new ArrayList<>();
        List<String> restrictive = new ArrayList<>();
        String tableAlias = SqlIdentifier.quote(policies.table());
        for (TablePolicies.Policy p : policies.policies()) {
            if (!p.appliesTo(Role.USER)) {
                continue;
            }
            if (p.callsUserCode()) {
                return null;
            }
            String rewritten = rewrite(p.qual(), tableAlias, policies.tablesWithRls());
            if (rewritten == null) {
                return null;
            }
            (p.permissive() ? permissive : restrictive).add("(" + rewritten + ")");
        }
        if (permissive.isEmpty()) {
            return null;
        }
        String restrictiveAll = restrictive.isEmpty() ? "" : " AND " + String.join(" AND ", restrictive);
        String from = "SELECT \"__bb_x\".\"__bb_ord\", " + USERS + ".\"__bb_uord\" "
                + "FROM unnest(?::text[]) WITH ORDINALITY AS \"__bb_x\"(\"__bb_img\", \"__bb_ord\") "
                + "CROSS JOIN LATERAL jsonb_populate_record(NULL::\"public\"." + tableAlias + ", \"__bb_x\".\"__bb_img\"::jsonb) AS "
                + tableAlias + " CROSS JOIN unnest(?::text[]) WITH ORDINALITY AS " + USERS + "(\"uid\", \"__bb_uord\") WHERE ";
        List<String> branches = new ArrayList<>();
        for (String p : permissive) {
            branches.add(from + p + restrictiveAll);
        }
        return new Query(String.join(" UNION ", branches), branches.size());
    }

    static String rewrite(String qual, String tableAlias, Set<String> tablesWithRls) {
        if (qual == null) {
            return "true";
        }
        String q = PolicyCompiler.stripParens(qual.trim());
        String flat = q.replaceAll("\\s+", " "); // pg_get_expr breaks subqueries over lines
        Matcher iso = ISOLATION.matcher(flat);
        if (iso.matches()) {
            String column = iso.group(1) != null ? iso.group(1) : iso.group(2);
            return qualify(column, tableAlias) + " = " + USERS + ".\"uid\"";
        }
        Matcher m = MEMBERSHIP.matcher(flat);
        if (m.matches()) {
            String outerColumn = m.group(1);
            String selectQualifier = m.group(2);
            String selectColumn = m.group(3);
            String table = m.group(4);
            String alias = m.group(5) == null ? table : m.group(5);
            String whereQualifier = m.group(6);
            String whereColumn = m.group(7);
            if (!selectQualifier.equals(alias) || !whereQualifier.equals(alias) || tablesWithRls.contains(table)) {
                return null;
            }
            String a = SqlIdentifier.quote("__bb_m_" + alias);
            return "EXISTS (SELECT 1 FROM \"public\"." + SqlIdentifier.quote(table) + " AS " + a + " WHERE " + a + "."
                    + SqlIdentifier.quote(whereColumn) + " = " + USERS + ".\"uid\" AND " + a + "." + SqlIdentifier.quote(selectColumn)
                    + " = " + tableAlias + "." + SqlIdentifier.quote(outerColumn) + ")";
        }
        String lower = q.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("current_user_id") || lower.contains("current_setting") || lower.contains("select")
                || lower.contains("current_user") || lower.contains("session_user")) {
            return null;
        }
        return q;
    }

    /** {@code col}, {@code (col)::text} or {@code col::text}, qualified with the images' alias. */
    private static String qualify(String column, String tableAlias) {
        boolean cast = column.endsWith("::text");
        String bare = cast ? column.substring(0, column.length() - "::text".length()) : column;
        bare = PolicyCompiler.stripParens(bare);
        String ref = tableAlias + "." + SqlIdentifier.quote(bare);
        return cast ? "(" + ref + ")::text" : ref;
    }
}
