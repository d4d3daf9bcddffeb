package dev.butterbase.realtime.engine.schema;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A Postgres identifier (table, column, policy or role name) checked once and always quoted when it
 * reaches SQL. Any character but NUL is allowed; quoting makes quotes, semicolons and spaces inert.
 */
public final class SqlIdentifier implements Comparable<SqlIdentifier> {

    /** Postgres truncates identifiers to NAMEDATALEN - 1 bytes; longer ones are refused, not truncated. */
    public static final int MAX_BYTES = 63;

    private final String name;

    private SqlIdentifier(String name) {
        this.name = name;
    }

    /**
     * @throws IllegalArgumentException when the name is empty, longer than 63 bytes or contains NUL
     */
    public static SqlIdentifier of(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("identifier must not be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier must not contain NUL");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("identifier longer than " + MAX_BYTES + " bytes: " + name);
        }
        return new SqlIdentifier(name);
    }

    /** Quotes any string as a Postgres identifier: {@code a"b} becomes {@code "a""b"}. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public String name() {
        return name;
    }

    /** The identifier quoted for SQL. */
    public String quoted() {
        return quote(name);
    }

    /** {@code "public"."name"}: every table this product serves lives in schema public. */
    public String qualifiedInPublic() {
        return "\"public\"." + quoted();
    }

    @Override
    public int compareTo(SqlIdentifier other) {
        return name.compareTo(other.name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlIdentifier other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
