package dev.butterbase.realtime.engine.rls;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the policy expressions the in-memory path can evaluate exactly, from Postgres' own deparsed text
 * ({@code pg_get_expr}): {@code true}, and {@code column = current_user_id()} with the column on either side,
 * bare when it is {@code text}, or cast {@code ::text} when it is text, varchar, uuid or an integer (types whose
 * text form equals their JSON form in {@code to_jsonb}). Anything else — subqueries, other functions, other
 * operators — is left to Postgres.
 */
final class PolicyCompiler {

    private static final Pattern CURRENT_USER_ID = Pattern.compile("(?:public\\.)?current_user_id\\(\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\"");
    private static final Set<String> CASTABLE = Set.of("text", "uuid", "integer", "bigint", "smallint");

    private PolicyCompiler() {}

    /** The term for a policy's USING expression, or null when only Postgres can evaluate it. */
    static VisibilityPlan.Term compile(String qual, Map<String, String> columnTypes) {
        if (qual == null) {
            return new VisibilityPlan.True();
        }
        String q = stripParens(qual.trim());
        if (q.equals("true")) {
            return new VisibilityPlan.True();
        }
        int eq = q.indexOf(" = ");
        if (eq < 0 || q.indexOf(" = ", eq + 1) >= 0) {
            return null;
        }
        String left = stripParens(q.substring(0, eq).trim());
        String right = stripParens(q.substring(eq + 3).trim());
        String column;
        if (CURRENT_USER_ID.matcher(right).matches()) {
            column = column(left, columnTypes);
        } else if (CURRENT_USER_ID.matcher(left).matches()) {
            column = column(right, columnTypes);
        } else {
            return null;
        }
        return column == null ? null : new VisibilityPlan.ColumnEqualsUser(column);
    }

    /** The column a side names, if it is a column whose comparison with a text user id is exact in memory. */
    private static String column(String side, Map<String, String> columnTypes) {
        boolean cast = false;
        String s = side;
        if (s.endsWith("::text")) {
            cast = true;
            s = stripParens(s.substring(0, s.length() - "::text".length()).trim());
        }
        Matcher m = IDENTIFIER.matcher(s);
        if (!m.matches()) {
            return null;
        }
        String name = s.startsWith("\"") ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
        String type = columnTypes.get(name);
        if (type == null) {
            return null;
        }
        boolean textual = type.equals("text");
        boolean admitted = textual || (cast && (CASTABLE.contains(type) || type.startsWith("character varying")));
        return admitted ? name : null;
    }

    /** Removes parentheses that enclose the whole expression. */
    static String stripParens(String s) {
        String out = s;
        while (out.startsWith("(") && out.endsWith(")") && enclosesAll(out)) {
            out = out.substring(1, out.length() - 1).trim();
        }
        return out;
    }

    private static boolean enclosesAll(String s) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'' ) {
                quoted = !quoted;
            }
            if (quoted) {
                continue;
            }
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
                if (depth == 0 && i < s.length() - 1) {
                    return false;
                }
            }
        }
        return depth == 0;
    }
}
