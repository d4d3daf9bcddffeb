package dev.butterbase.realtime.engine.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A subscription's optional {@code filter}: {@code {column: value}} equality on the row (the old row for DELETE).
 * It narrows what RLS already allowed; it never grants anything.
 */
public final class RowFilter {

    public static final RowFilter NONE = new RowFilter(Map.of());

    private final Map<String, JsonNode> equalities;

    private RowFilter(Map<String, JsonNode> equalities) {
        this.equalities = equalities;
    }

    /** @throws IllegalArgumentException when a value is an object or an array */
    public static RowFilter of(ObjectNode filter) {
        if (filter == null || filter.isEmpty()) {
            return NONE;
        }
        Map<String, JsonNode> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = filter.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isContainerNode()) {
                throw new IllegalArgumentException("filter values must be strings, numbers, booleans or null (column \""
                        + e.getKey() + "\")");
            }
            map.put(e.getKey(), e.getValue());
        }
        return new RowFilter(Map.copyOf(map));
    }

    public boolean isEmpty() {
        return equalities.isEmpty();
    }

    /** True when every filtered column of {@code row} equals the filter's value (numbers compared by value). */
    public boolean matches(JsonNode row) {
        if (equalities.isEmpty()) {
            return true;
        }
        if (row == null || !row.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : equalities.entrySet()) {
            if (!scalarEquals(e.getValue(), row.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean scalarEquals(JsonNode wanted, JsonNode actual) {
        if (actual == null || actual.isNull()) {
            return wanted.isNull();
        }
        if (wanted.isNull()) {
            return false;
        }
        if (wanted.isNumber() && actual.isNumber()) {
            return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (actual.isContainerNode()) {
            return false;
        }
        return wanted.asText().equals(actual.asText());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowFilter other && equalities.equals(other.equalities);
    }

    @Override
    public int hashCode() {
        return equalities.hashCode();
    }
}
