package dev.butterbase.realtime.engine.rls;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How one role's visibility of a table's rows is decided, compiled from the table's policies.
 * {@link InMemory} plans need no database at all; {@link Sql} plans run the policies inside Postgres.
 */
public sealed interface VisibilityPlan {

    /** No row is visible (no SELECT privilege, or RLS on without a permissive policy for the role). */
    record Nothing() implements VisibilityPlan {}

    /** Every row is visible (RLS off and SELECT granted, or the service role). */
    record Everything() implements VisibilityPlan {}

    /**
     * Policies made only of {@code true} and {@code column = current_user_id()}: evaluated on the row image in
     * memory. When {@code indexColumn} is set, a row is visible to exactly the user whose id equals that column,
     * so recipients can be looked up by value instead of checked one by one.
     */
    record InMemory(List<Term> permissive, List<Term> restrictive, String indexColumn) implements VisibilityPlan {
        public boolean visible(JsonNode image, String userId) {
            boolean any = false;
            for (Term t : permissive) {
                if (t.test(image, userId)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
            for (Term t : restrictive) {
                if (!t.test(image, userId)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Anything else: the policies' predicate, run inside Postgres as the client's role and user. */
    record Sql(String predicate) implements VisibilityPlan {}

    /** One policy expression the in-memory path understands. */
    sealed interface Term {
        boolean test(JsonNode image, String userId);
    }

    /** {@code USING (true)}. */
    record True() implements Term {
        @Override
        public boolean test(JsonNode image, String userId) {
            return true;
        }
    }

    /** {@code column = current_user_id()} (or {@code column::text = …}): NULL on either side is not a match. */
    record ColumnEqualsUser(String column) implements Term {
        @Override
        public boolean test(JsonNode image, String userId) {
            String value = keyOf(image, column);
            return value != null && userId != null && value.equals(userId);
        }
    }

    /**
     * The column's value as Postgres' {@code ::text} would print it, for the column types the compiler admits
     * (text, varchar, uuid, integers); null for SQL NULL or anything else.
     */
    static String keyOf(JsonNode image, String column) {
        if (image == null) {
            return null;
        }
        JsonNode v = image.get(column);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        return null;
    }

    /** For an {@link InMemory} plan with an index column: the user id that may see this image, or null. */
    static String indexKey(InMemory plan, JsonNode image) {
        return keyOf(image, plan.indexColumn());
    }
}
