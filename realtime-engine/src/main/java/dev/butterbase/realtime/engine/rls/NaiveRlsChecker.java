package dev.butterbase.realtime.engine.rls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.butterbase.realtime.engine.capture.Change;
import dev.butterbase.realtime.engine.identity.Identity;
import dev.butterbase.realtime.engine.identity.Role;
import dev.butterbase.realtime.engine.schema.SqlIdentifier;
import dev.butterbase.realtime.engine.schema.TableCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The specification's literal RLS check (§5), kept as the baseline benchmarks compare the engine with: for one
 * change and one subscriber, in one transaction,
 * <pre>
 * SET LOCAL ROLE &lt;role&gt;; SET LOCAL request.jwt.claim.sub = '&lt;user&gt;';
 * SELECT 1 FROM "public"."t" WHERE "pk" = $1 LIMIT 1;
 * </pre>
 * It reads the live table, not the captured image: a DELETE is never visible (the row is gone), and an UPDATE is
 * judged on whatever the row holds when the check runs, not on the change itself. That is the behaviour the
 * engine's {@link RlsEvaluator} exists to avoid; this class exists only to measure the difference.
 *
 * <p>Primary keys (columns and types) are cached per table for the policy cache time. One instance per pipeline,
 * used from its dispatch thread only.
 */
public final class NaiveRlsChecker {

    private static final Logger log = LoggerFactory.getLogger(NaiveRlsChecker.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The lookup query of one table and the key columns it binds, in order; no statement when the table has no key. */
    private record KeyLookup(String sql, List<String> columns) {}

    private final Cache<String, KeyLookup> lookups;
    private Change lastChange;
    private String[] lastValues;

    public NaiveRlsChecker(Duration cacheTtl) {
        this.lookups = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(10_000).build();
    }

    /** Whether {@code identity} can SELECT the changed row by its primary key, now. A failing check is "not visible". */
    public boolean visible(Connection c, Change change, Identity identity) {
        if (identity.role() == Role.SERVICE) {
            return true;
        }
        try {
            KeyLookup lookup = lookup(c, change.table());
            String[] values = keyValues(change, lookup);
            return values != null && check(c, lookup, values, identity);
        } catch (SQLException e) {
            log.warn("naive RLS check on table {} for {} failed: {} (SQLSTATE {})", change.table(),
                    identity.role().wireName(), e.getMessage(), e.getSQLState());
            return false;
        }
    }

    private KeyLookup lookup(Connection c, String table) throws SQLException {
        KeyLookup cached = lookups.getIfPresent(table);
        if (cached != null) {
            return cached;
        }
        List<String> key = TableCatalog.primaryKey(c, table);
        Map<String, String> types = TableCatalog.columns(c, table).stream()
                .collect(Collectors.toMap(TableCatalog.Column::name, TableCatalog.Column::type));
        StringBuilder sql = new StringBuilder("SELECT 1 FROM ").append(SqlIdentifier.of(table).qualifiedInPublic()).append(" WHERE ");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(SqlIdentifier.quote(key.get(i))).append(" = CAST(? AS ")
                    .append(types.get(key.get(i))).append(')');
        }
        KeyLookup loaded = new KeyLookup(key.isEmpty() ? null : sql.append(" LIMIT 1").toString(), List.copyOf(key));
        lookups.put(table, loaded);
        return loaded;
    }

    /** The key values of the changed row as text, parsed once per change; null when they cannot be had. */
    private String[] keyValues(Change change, KeyLookup lookup) {
        if (change == lastChange) {
            return lastValues;
        }
        lastChange = change;
        lastValues = null;
        if (lookup.sql() == null || change.visibilityImage() == null) {
            return null;
        }
        try {
            JsonNode image = JSON.readTree(change.visibilityImage());
            List<String> values = new ArrayList<>(lookup.columns().size());
            for (String column : lookup.columns()) {
                JsonNode v = image.get(column);
                if (v == null || v.isNull() || v.isContainerNode()) {
                    return null;
                }
                values.add(v.asText());
            }
            lastValues = values.toArray(String[]::new);
        } catch (JsonProcessingException e) {
            log.warn("unparsable row image of table {}: {}", change.table(), e.getOriginalMessage());
        }
        return lastValues;
    }

    private static boolean check(Connection c, KeyLookup lookup, String[] values, Identity identity) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            TransactionIdentity.actAs(c, identity.role().databaseRole(), identity.userId());
            try (PreparedStatement ps = c.prepareStatement(lookup.sql())) {
                for (int i = 0; i < values.length; i++) {
                    ps.setString(i + 1, values[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }
}
